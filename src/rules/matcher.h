// Matching: Hyperscan finds candidate end offsets for every rule in one pass; RE2 confirms
// each candidate in a bounded window and extracts the secret's exact span. Knows nothing of
// git, files or output.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <tuple>
#include <vector>

#include "hs_database.h"
#include "result.h"
#include "rule_set.h"

namespace keyward {

struct RawMatch {
  uint32_t rule = 0;
  size_t begin = 0, end = 0;                // the whole match
  size_t secret_begin = 0, secret_end = 0;  // the secret capture group
  size_t pair_begin = 0, pair_end = 0;      // the rule's verify.pair_group (AWS key id), empty if none
};

// Per-thread state: Hyperscan scratch and reusable buffers.
struct MatchScratch {
  HsScratchPtr hs;
  // Candidate windows to confirm with RE2; at most one per max_length bytes per rule.
  struct Window {
    uint32_t rule;
    size_t from, to;
    bool operator<(const Window& o) const { return std::tie(rule, from, to) < std::tie(o.rule, o.from, o.to); }
  };
  std::vector<Window> windows;
  std::vector<std::pair<size_t, size_t>> open;  // per rule: the window being extended
};

// One database the matcher scans, with what its pattern ids mean: rule_of[id] is the index
// in the RuleSet, or -1 for a rule the configuration disabled (the default rules' database
// is compiled and cached for all of them, so that a config change never recompiles it).
// Empty rule_of: the ids are the RuleSet's indexes.
struct MatcherPart {
  const HsDatabase* db = nullptr;
  std::vector<int32_t> rule_of;
};

class Matcher {
 public:
  Matcher(const RuleSet& rules, const HsDatabase& db) : rules_(rules), parts_{MatcherPart{&db, {}}} {}
  Matcher(const RuleSet& rules, std::vector<MatcherPart> parts) : rules_(rules), parts_(std::move(parts)) {}
  Result<MatchScratch> make_scratch() const;
  // Appends confirmed matches in text to out, ordered by (begin, rule).
  Status scan(std::string_view text, MatchScratch& scratch, std::vector<RawMatch>& out) const;
  // RE2 only, for a window or a rule's own examples.
  void confirm(uint32_t rule, std::string_view text, size_t from, size_t to, std::vector<RawMatch>& out) const;
  const RuleSet& rules() const { return rules_; }

 private:
  const RuleSet& rules_;
  std::vector<MatcherPart> parts_;
};

}  // namespace keyward
