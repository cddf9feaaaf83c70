// .keyward.toml: extra rules, disabled rules, path and value allowlists, per-rule
// overrides. Parsing errors name the file, the line and the reason.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "result.h"
#include "rule.h"

namespace keyward {

struct RuleOverride {
  std::vector<std::string> allow_paths;
  double min_entropy = -1;  // < 0: keep the rule's own
  std::string severity;
};

struct Config {
  std::string origin;                      // file it came from ("" = defaults)
  std::vector<Rule> rules;                 // [[rules]]: extra rules, same schema as patterns/
  std::vector<std::string> disabled;       // [rules_config] disable = [...]
  std::vector<std::string> allow_paths;    // [allowlist] paths = [...] (gitignore-style)
  std::vector<std::string> allow_regexes;  // [allowlist] regexes = [...] (RE2, on the secret)
  std::vector<std::string> allow_fingerprints;  // [allowlist] fingerprints = [...]
  std::map<std::string, RuleOverride> overrides;  // [rule."id"] ...
  bool block_checkpoints = true;           // [checkpoints] block = true
};

// Parses config text; origin names the file in messages.
Result<Config> parse_config(const std::string& text, const std::string& origin);
// Reads and parses a file; a missing file is an error (the caller decides if it is optional).
Result<Config> load_config(const std::string& path);

}  // namespace keyward
