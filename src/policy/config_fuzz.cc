// libFuzzer target: .keyward.toml (and gitleaks-style) configuration parsing on arbitrary
// text. Every outcome must be a Config or an Error value: no crash, no escaping exception.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto cfg = keyward::parse_config(text, ".keyward.toml");
  if (cfg) {
    keyward::check_rule_ids(*cfg, [](const std::string& id) { return id.size() % 2 == 0; });
    keyward::AllowMatcher allow(*cfg);
    allow.allows("some-rule", "a/b.txt", "value");
  }
  return 0;
}
