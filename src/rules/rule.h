// A rule is data loaded from patterns/*.toml: what a secret looks like, how to confirm it
// and what to tell the user. Nothing here knows about Hyperscan, RE2 or git.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace keyward {

// How to ask a provider about a secret (verify) or to revoke it: data from the rule file,
// used only by src/verify/ and only when asked (--verify, `keyward revoke`). Templates
// ({secret}, {pair}) are filled in there; nothing here sends anything.
struct HttpCheck {
  // "" = none; "http" = the request below; "aws-sigv4" = the request below signed with
  // AWS Signature Version 4 (the pair is the access key id); "offline" = the provider has
  // no endpoint to ask, the format is checked offline only (note says so).
  std::string kind;
  std::string method = "GET";
  std::string url;                    // https:// only
  std::vector<std::string> headers;   // "Name: value"
  std::string body;
  std::string basic_auth;             // "user:password", sent as Authorization: Basic
  std::vector<int> live = {200};      // statuses that mean the credential works
  std::vector<int> invalid = {401};   // statuses that mean it does not
  std::string live_if;                // "json.path=value": a live status counts only with it
  std::string reason_field;           // JSON field that says why (Slack's "error")
  std::vector<std::string> identity;  // "label=source": a JSON path, "header:Name" or "xml:Tag"
  int pair_group = 0;                 // capture group of the secret's other half (AWS key id)
  std::string region, service;        // aws-sigv4
  std::string note;                   // offline: why nothing is sent
  bool empty() const { return kind.empty(); }
};

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
  HttpCheck verify;                     // [rules.verify]: how --verify asks the provider
  HttpCheck revoke;                     // [rules.revoke]: how `keyward revoke` revokes it

  bool keyed() const { return !context.empty(); }
  const std::string& candidate_regex() const { return hs_regex.empty() ? regex : hs_regex; }
};

}  // namespace keyward
