// --format json: the contract in design.md, {"version":1,"findings":[...],"stats":{...}}.
#pragma once
#include <ostream>

#include "report.h"

namespace keyward {

void write_json(std::ostream& out, const Report& report, const ReportOptions& opts);

}  // namespace keyward
