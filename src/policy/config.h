// .keyward.toml: extra rules, disabled rules, path and value allowlists, per-rule
// overrides. Parsing errors name the file, the line and the reason. A gitleaks/Betterleaks
// configuration is read too (gitleaks_config.h) and lands in the same struct.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"
#include "rule.h"

namespace keyward {

// Stopwords (a secret containing one, ignoring ASCII case, is allowed) and exact values,
// kept as one buffer of words and an open-addressing hash table rather than one regex
// each: a list of millions costs its own size plus about 12 bytes a word, and a lookup is
// one probe per substring of each distinct word length.
class WordSet {
 public:
  void add(std::string_view word, bool fold_case);
  // Builds the table (duplicates count once); call after the last add.
  void finish();
  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }
  // Does s contain one of the words (stopwords: words were added with fold_case)?
  bool contained_in(std::string_view s) const;
  // Is s one of the words (values)?
  bool has(std::string_view s) const;

 private:
  std::string_view word(uint32_t i) const { return std::string_view(buf_).substr(starts_[i], starts_[i + 1] - starts_[i]); }
  std::string buf_;                     // the words, back to back
  std::vector<uint32_t> starts_{0};     // word i is buf_[starts_[i], starts_[i + 1])
  std::vector<uint32_t> table_;         // word index + 1 per slot, 0 = empty
  std::vector<size_t> lengths_;         // distinct word lengths, ascending
  size_t count_ = 0;
};

struct RuleOverride {
  std::vector<std::string> allow_paths;         // gitignore-style globs
  std::vector<std::string> allow_path_regexes;  // RE2 on the path (gitleaks' path allowlists)
  std::vector<std::string> allow_regexes;       // RE2 on the secret
  WordSet stopwords, allow_values;
  double min_entropy = -1;  // < 0: keep the rule's own
  std::string severity;
  bool disabled = false;
};

// [server]: what the pre-receive hook does on a git server (docs/server.md). Only the
// server's own configuration is read there, never a file from the pushed commits.
struct ServerPolicy {
  std::vector<std::string> refs;  // globs ('*' crosses '/'); empty = every ref is checked
  bool bypass = false;            // the admin's emergency switch: accept every push, logged
  std::string baseline;           // baseline file, relative to the config file's directory
  bool fail_open = false;         // on_error = "accept": an error lets the push through, logged
};

// [verify]: how --verify asks providers (docs/verification.md). Off in hook modes unless
// in_hooks says otherwise.
struct VerifySettings {
  bool in_hooks = false;  // verify in hook modes too (never the default)
  double timeout = 5.0;   // seconds per request, connecting included
  int parallel = 4;       // requests in flight at once
};

struct Config {
  std::string origin;                      // file it came from ("" = defaults)
  std::vector<Rule> rules;                 // [[rules]]: extra rules, same schema as patterns/
  std::vector<std::string> disabled;       // [rules_config] disable = [...]
  std::vector<std::string> allow_paths;    // [allowlist] paths = [...] (gitignore-style)
  std::vector<std::string> allow_regexes;  // [allowlist] regexes (RE2, on the secret)
  WordSet stopwords, allow_values;         // [allowlist] stopwords, values
  std::vector<std::string> allow_path_regexes;  // [allowlist] path_regexes (RE2, on the path)
  std::vector<std::string> allow_fingerprints;  // [allowlist] fingerprints = [...]
  std::map<std::string, RuleOverride> overrides;  // [rule."id"] ...
  bool block_checkpoints = true;           // [checkpoints] block = true
  bool checkpoints_configured = false;     // [checkpoints] block given: also blocks outside git
  std::string fingerprint_key;             // fingerprint_key = "..." ("" = not set)
  std::string baseline;                    // baseline = "..." (relative to this file's directory)
  // The keys fingerprints are computed with, chosen by the caller (scan_command.cc) from
  // fingerprint_key, the baseline and the repository: [0] is the key in force, the others
  // are accepted when matching. Empty: the legacy unkeyed form.
  std::vector<std::string> fingerprint_keys;
  ServerPolicy server;                     // [server]
  VerifySettings verify;                   // [verify]

  // Where each rule id named in disable/[rule.ID] appears (line), for errors on unknown ids.
  std::map<std::string, int> rule_refs;
  // A configuration migrated from gitleaks/Betterleaks: what could not be converted, one
  // precise sentence each. Unknown rule ids there are notes, not errors.
  bool migrated = false;
  std::vector<std::string> notes;
};

// Parses config text; origin names the file in messages.
Result<Config> parse_config(const std::string& text, const std::string& origin);
// Reads and parses a file (.keyward.toml or a gitleaks/Betterleaks TOML, told apart by
// content); a missing file is an error (the caller decides if it is optional).
Result<Config> load_config(const std::string& path);

// Checks that every rule id the config names exists (known(id)); an unknown id is an error
// naming the file and line (with the nearest of ids, if one is near), or, in a migrated
// config, a note (the id is dropped).
Status check_rule_ids(Config& cfg, const std::function<bool(const std::string&)>& known,
                      const std::vector<std::string>& ids = {});


// Why RE2 rejects pattern, in words that never quote the pattern (it may hold a secret),
// or "" if RE2 accepts it.
std::string regex_problem_without_text(const std::string& pattern);
// A name from a config file (key, section, rule id) as error messages show it: as it is,
// unless it looks like a credential pasted in the wrong place.
std::string shown_name(std::string_view name);

// The allowlists that need compiled regexes: path regexes and per-rule secret regexes.
// Built once per engine; allows() is thread-safe.
class AllowMatcher {
 public:
  explicit AllowMatcher(const Config& c);
  ~AllowMatcher();
  AllowMatcher(const AllowMatcher&) = delete;
  AllowMatcher& operator=(const AllowMatcher&) = delete;
  // True if a path regex, a global stopword or value, or one of the rule's own allowlists
  // drops this finding.
  bool allows(const std::string& rule_id, std::string_view path, std::string_view secret) const;
  // The two halves of allows(): the path regexes (global and the rule's), and the rule's
  // secret regexes. History judges a blob's secrets once and its paths at each place.
  bool allows_path(const std::string& rule_id, std::string_view path) const;
  bool allows_secret(const std::string& rule_id, std::string_view secret) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace keyward
