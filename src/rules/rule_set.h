// Loads rules from patterns/*.toml (and a config's extra rules) and owns their confirming
// RE2 programs, compiled lazily: a clean commit must not pay for 400 regex compilations.
#pragma once
#include <memory>
#include <mutex>
#include <string>
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

  Status add(Rule rule);  // checks the id is unique and the fields are sane
  void disable(const std::vector<std::string>& ids);

  const std::vector<Rule>& rules() const { return rules_; }
  size_t size() const { return rules_.size(); }
  const Rule& operator[](size_t i) const { return rules_[i]; }
  const Rule* find(const std::string& id) const;

  // The word and example vocabularies the filters use (vocabulary.h), loaded beside the rules.
  const Vocabulary& vocabulary() const { return *vocabulary_; }
  void set_vocabulary(Vocabulary v) { vocabulary_ = std::make_shared<const Vocabulary>(std::move(v)); }

  // The confirming program for rule i; thread-safe. Null with *error set if RE2 rejects it.
  const re2::RE2* confirmer(size_t i, std::string* error = nullptr) const;

 private:
  struct Lazy;
  std::vector<Rule> rules_;
  std::unique_ptr<std::vector<std::unique_ptr<Lazy>>> lazy_;
  std::shared_ptr<const Vocabulary> vocabulary_ = std::make_shared<const Vocabulary>();
  void ensure_lazy();
};

// The rules directory when none is given (--rules or $KEYWARD_RULES, which the cli reads):
// the install location, else the source tree's patterns/ (a build that was never installed).
std::string default_rules_dir();

}  // namespace keyward
