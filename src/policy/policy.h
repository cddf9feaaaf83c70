// The policy: every decision taken after a rule matched, in one place and one order.
//
//   content (the secret and its blob, no path; judged once per blob):
//     1. config secret allowlists: the rule's allow_regexes, stopwords, values; global
//        stopwords and values; global `regexes`
//     2. the rule's minimum entropy (the config's override, else the rule's)
//     3. published documentation examples (patterns/documented-examples.txt), the rule's
//        offline validator (an invalid value is dropped; a valid checksum is remembered),
//        then, skipped for a valid checksum, the placeholder filter and the word filter
//        (patterns/words.txt; not for rules whose values people choose, such as passwords)
//     4. an inline allow comment on a line the match touches (`keyward:allow`, ...)
//     5. the fingerprint allowlist (every form of the fingerprint)
//   per place (each normalised, repository-relative path the blob is found at):
//     6. config path allowlists: global `paths`/`path_regexes` (whole path, every rule),
//        the rule's allow_paths/allow_path_regexes
//     7. the checkpoint hygiene finding (a path under .ipynb_checkpoints/)
//   per report:
//     8. the baseline
// Sources and the scanner ask; nothing else decides whether a finding is reported.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "baseline.h"
#include "config.h"
#include "finding.h"
#include "fingerprint.h"
#include "rule_set.h"
#include "documented_examples.h"
#include "validators.h"
#include "word_filter.h"

namespace re2 {
class RE2;
}

namespace keyward {

class Policy {
 public:
  // config and rules must outlive the policy.
  Policy(const Config& config, const RuleSet& rules);
  ~Policy();
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;

  // Steps 1-3 for rules[rule_index]. *validation is set to the validator's kind when the
  // value is confirmed. after: the text following the secret on its line (what example
  // markers such as `@example.com` are looked for in), empty when unknown.
  bool keep_secret(size_t rule_index, std::string_view secret, std::string* validation,
                   std::string_view after = {}) const;
  // Step 4, on one line of the blob.
  bool allowed_by_comment(std::string_view line) const;
  // Where allow markers stand in a line (offsets of each occurrence).
  std::vector<size_t> allow_marker_positions(std::string_view line) const;
  // True if line allowlists the line after it (`pragma: allowlist nextline secret`).
  bool allows_next_line(std::string_view line) const;
  // Step 5.
  bool fingerprint_allowed(const Finding& f) const;
  const Fingerprinter& fingerprints() const { return fingerprints_; }

  // Step 6. True if the config allowlists this path for every rule (a blob at such a path
  // need not be read).
  bool path_allowed(std::string_view path) const;
  // True if a path allowlist, global or the rule's own, drops the rule's findings at path.
  bool allowed_at(const std::string& rule_id, std::string_view path) const;
  // Only the rule's own path allowlists (the whole-path ones decided before reading).
  bool rule_allowed_at(const std::string& rule_id, std::string_view path) const;
  // Step 7.
  bool checkpoint_at(std::string_view path) const;

  // The severity reports give rules[rule_index]'s findings: the config's, else the rule's.
  const std::string& severity(size_t rule_index) const;

  // Step 8: drops baselined findings; returns the entries that matched nothing.
  std::vector<std::string> apply_baseline(const Baseline& b, std::vector<Finding>& findings) const;

  // For tests: true once the word and example filters exist. They are built for the first candidate
  // that reaches them, not at construction (a clean commit never needs the vocabulary).
  bool filters_built() const { return filters_ != nullptr; }

 private:
  const Config& config_;
  const RuleSet& rules_;
  std::vector<std::unique_ptr<re2::RE2>> allow_regexes_;
  AllowMatcher allow_;  // path regexes and per-rule regex allowlists
  // The vocabulary's filters, and per rule index whether the word filter applies (rules
  // whose values people choose are exempt): built once, by whichever thread needs them first.
  struct Filters;
  const Filters& filters() const;
  mutable std::once_flag filters_once_;
  mutable std::unique_ptr<Filters> filters_;
  Fingerprinter fingerprints_;
};

}  // namespace keyward
