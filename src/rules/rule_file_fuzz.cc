// libFuzzer target: patterns/*.toml rule-file parsing and rule validation on arbitrary
// text. A rule that parses is also checked by Hyperscan (as the engine would compile it).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hs_database.h"
#include "rule_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<keyward::Rule> rules;
  if (keyward::RuleSet::parse_file(text, "fuzz.toml", rules)) return 0;
  keyward::RuleSet set;
  for (auto& r : rules) {
    if (set.add(r)) continue;
    if (r.regex.size() < 256) keyward::hs_check_regex(r.regex);
  }
  for (size_t i = 0; i < set.size(); ++i) set.confirmer(i);
  return 0;
}
