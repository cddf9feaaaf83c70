// Loads rules from patterns/*.toml (and a config's extra rules) and owns their confirming
// RE2 programs, compiled lazily: a clean commit must not pay for 400 regex compilations.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"
#include "rule.h"
#include "rule_cache.h"
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
  // add() for each. On an error the set is left part-filled: the caller discards it.
  Status add_all(std::vector<Rule> rules);
  // The rules of a cache file (rule_cache.h: index_rule_cache's refs into rules_part, which
  // keep owns), into an empty set. Nothing is decoded here: each rule is decoded the first
  // time operator[] asks for it, so a clean commit decodes none of them.
  Status add_cached(std::string_view rules_part, std::vector<CachedRuleRef> refs, std::shared_ptr<const void> keep);
  void disable(const std::vector<std::string>& ids);

  size_t size() const;
  // Rule i; a cached one is decoded on first access (thread-safe). The reference stays
  // valid as long as the set does, also across moves of the set.
  const Rule& operator[](size_t i) const;
  // What a warm start needs of every rule, without decoding it.
  std::string_view id(size_t i) const;
  std::string_view validator(size_t i) const;
  bool decoded(size_t i) const;  // for tests
  const Rule* find(std::string_view id) const;  // thread-safe

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
  struct Entry;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  struct LazyVocabulary;
  std::shared_ptr<LazyVocabulary> vocabulary_;
};

// The rules directory when none is given (--rules or $KEYWARD_RULES, which the cli reads):
// the install location, else the source tree's patterns/ (a build that was never installed).
std::string default_rules_dir();

}  // namespace keyward
