// A rule is data loaded from patterns/*.toml: what a secret looks like, how to confirm it
// and what to tell the user. Nothing here knows about Hyperscan, RE2 or git.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace keyward {

struct Rule {
  std::string id;           // kebab-case, stable: baselines and allow entries name it
  std::string description;  // one line, shown after the rule id
  std::string provider;     // "Hugging Face", "GitHub", ...
  std::string regex;        // accepted by both Hyperscan and RE2; secret in a capture group
  // Keyed rules (keyed_rule.h): the names a secret is assigned to and the value's shape,
  // expanded into regex (RE2) and hs_regex (Hyperscan's candidate pattern) when rules load.
  std::vector<std::string> context;
  std::string secret;
  std::vector<std::string> name_allow;  // words that do not rule a name out for this rule ("id")
  bool context_line = true;             // also: the context word elsewhere on the line (--api-key v)
  std::string hs_regex;                 // "" = regex
  int secret_group = 1;     // which capture group is the secret (0 = whole match)
  std::vector<std::string> keywords;    // literal hints, documentation and prefilters
  double min_entropy = 0.0;             // Shannon bits per byte over the secret
  std::string validator;                // "" or a name known to validators.h
  std::vector<std::string> references;  // provider documentation
  std::string advice;                   // one line of what to do; a default is used if empty
  size_t max_length = 1024;             // longest possible match, bounds the confirm window
  bool check_placeholders = true;       // run the placeholder filter on the secret
  std::string severity = "high";
  std::vector<std::string> positive;    // examples that must be found
  std::vector<std::string> negative;    // examples that must not be found
  std::string origin;                   // file the rule came from, for error messages

  bool keyed() const { return !context.empty(); }
  const std::string& candidate_regex() const { return hs_regex.empty() ? regex : hs_regex; }
};

}  // namespace keyward
