// A warm start must not parse hundreds of TOML rules: the parsed rules (without their
// examples) are cached in a compact binary file keyed by the rule files' names, sizes and
// modification times, and by keyward's version.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "result.h"
#include "rule.h"

namespace keyward {

// A cheap stamp of a rules directory: sorted (path, size, mtime) of every *.toml.
Result<std::string> rules_dir_stamp(const std::string& dir);

std::string serialize_rules(const std::vector<Rule>& rules);
// False if the bytes are not a complete, well-formed serialization.
bool deserialize_rules(std::string_view bytes, std::vector<Rule>& out);

}  // namespace keyward
