// Compiler-style diagnostics for people: path:line:column: rule: description, the line
// with the secret masked and a caret span under it, then what to do.
#pragma once
#include <ostream>

#include "report.h"

namespace keyward {

void write_text(std::ostream& out, const Report& report, const ReportOptions& opts);

// Terminal-safe: control bytes (escape sequences in a hostile file) become '?', tabs spaces.
std::string sanitize_for_terminal(std::string_view s);

}  // namespace keyward
