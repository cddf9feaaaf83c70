// --format gitlab: GitLab's secret-detection report (security-report-schemas,
// secret-detection-report-format.json, 15.0.x), read by GitLab's security dashboard and
// merge-request widget from `artifacts: reports: secret_detection:`. Secrets are always
// masked: the report is uploaded to a server and shown to everyone with access to it.
#pragma once
#include <ctime>
#include <ostream>

#include "report.h"

namespace keyward {

// end_time is when the scan ended (now, unless a test fixes it); start_time is derived
// from report.stats.seconds.
void write_gitlab(std::ostream& out, const Report& report, const ReportOptions& opts, std::time_t end_time = 0);

}  // namespace keyward
