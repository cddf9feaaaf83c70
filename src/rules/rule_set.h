// Loads rules from patterns/*.toml (and a config's extra rules) and owns their confirming
// RE2 programs, compiled lazily: a clean commit must not pay for 400 regex compilations.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "result.h"
#include "rule.h"
#include "vocabulary.h"

namespace re2 {
class RE2;
}

namespace keyward {

class RuleSet {
 public:
  RuleSet();
  ~RuleSet();
  RuleSet(RuleSet&&) noexcept;
  RuleSet& operator=(RuleSet&&) noexcept;

  // Loads every *.toml below dir (sorted by path, so rule order is stable).
  static Result<RuleSet> load_dir(const std::string& dir);
  // Parses one rule file's text; origin names it in error messages.
  static Status parse_file(const std::string& text, const std::string& origin,
                           std::vector<Rule>& out);

  Status add(Rule rule);  // checks the id is unique (one lookup) and the fields are sane
  void reserve(size_t n);
  // add() for each, taking the vector whole when the set is empty (no rule is moved). On an
  // error the set is left part-filled: the caller discards it.
  Status add_all(std::vector<Rule> rules);
  void disable(const std::vector<std::string>& ids);

  const std::vector<Rule>& rules() const { return rules_; }
  size_t size() const { return rules_.size(); }
  const Rule& operator[](size_t i) const { return rules_[i]; }
  const Rule* find(const std::string& id) const;

  // The word and example vocabularies the filters use (vocabulary.h), loaded beside the
  // rules: set whole, or as a rule cache's checked serialization (rule_cache.h), decoded on
  // the first call (thread-safe): a clean commit never decodes a few thousand words.
  const Vocabulary& vocabulary() const;
  void set_vocabulary(Vocabulary v);
  // bytes must be vocabulary_well_formed(); keep owns them (the mapped cache file).
  void set_vocabulary_bytes(std::string_view bytes, std::shared_ptr<const void> keep);
  bool vocabulary_decoded() const;

  // The confirming program for rule i; thread-safe. Null with *error set if RE2 rejects it.
  const re2::RE2* confirmer(size_t i, std::string* error = nullptr) const;

 private:
  struct Lazy;
  std::vector<Rule> rules_;
  std::unordered_map<std::string, size_t> index_;  // id -> position in rules_
  std::unique_ptr<std::vector<std::unique_ptr<Lazy>>> lazy_;
  struct LazyVocabulary;
  std::shared_ptr<LazyVocabulary> vocabulary_;
  void ensure_lazy();
};

// The rules directory when none is given (--rules or $KEYWARD_RULES, which the cli reads):
// the install location, else the source tree's patterns/ (a build that was never installed).
std::string default_rules_dir();

}  // namespace keyward
