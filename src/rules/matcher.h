// Matching: Hyperscan finds candidate end offsets for every rule in one pass; RE2 confirms
// each candidate in a bounded window and extracts the secret's exact span. Knows nothing of
// git, files or output.
#pragma once
#include <cstddef>
#include <cstdint>
#include <mutex>
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

class Matcher;

// Per-thread state: Hyperscan scratch and reusable buffers. Its Hyperscan scratch goes back
// to the matcher that made it when it is destroyed, for the next make_scratch.
struct MatchScratch {
  MatchScratch() = default;
  MatchScratch(MatchScratch&& o) noexcept;
  MatchScratch& operator=(MatchScratch&& o) noexcept;
  MatchScratch(const MatchScratch&) = delete;
  MatchScratch& operator=(const MatchScratch&) = delete;
  ~MatchScratch();

  HsScratchPtr hs;
  const Matcher* home = nullptr;  // gets hs back; null: hs is freed
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
  // Thread-safe. A scratch given back (MatchScratch's destructor) is handed out again, so a
  // run holds only as many as it scans with at once; the first is the one allocated when
  // the database was checked (HsDatabase::take_scratch).
  Result<MatchScratch> make_scratch() const;
  // Makes at least n scratches ready for make_scratch, copied from one not in use: call it
  // before n threads each ask for one (a scratch made while every other is in use costs a
  // check of the whole database).
  Status reserve_scratch(size_t n) const;
  // Appends confirmed matches in text to out, ordered by (begin, rule).
  Status scan(std::string_view text, MatchScratch& scratch, std::vector<RawMatch>& out) const;
  // RE2 only, for a window or a rule's own examples.
  void confirm(uint32_t rule, std::string_view text, size_t from, size_t to, std::vector<RawMatch>& out) const;
  const RuleSet& rules() const { return rules_; }

 private:
  friend struct MatchScratch;
  Result<HsScratchPtr> new_scratch() const;  // for every part; with pool_mu_ held
  void give_back(HsScratchPtr s) const;

  const RuleSet& rules_;
  std::vector<MatcherPart> parts_;
  mutable std::mutex pool_mu_;
  mutable std::vector<HsScratchPtr> idle_;
};

}  // namespace keyward
