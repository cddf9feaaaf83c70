// --format sarif: SARIF 2.1.0 for code scanning. Columns are UTF-16 code units (SARIF's
// default); the run says so in columnKind.
#pragma once
#include <ostream>

#include "report.h"

namespace keyward {

void write_sarif(std::ostream& out, const Report& report, const ReportOptions& opts);

}  // namespace keyward
