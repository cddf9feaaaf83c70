#include "policy.h"

#include <re2/re2.h>

#include <atomic>
#include <cstdint>

#include "checkpoint.h"
#include "filters.h"
#include "glob.h"

namespace keyward {

struct Policy::Filters {
  // Per rule index: 0 = not worked out yet, 1 = the word filter applies, 2 = the rule is
  // exempt (its values are chosen by people). Worked out on a rule's first candidate, not
  // for every rule up front: that would decode every cached rule. Threads that race on it
  // compute the same value.
  std::unique_ptr<std::atomic<uint8_t>[]> word_filtered;
  std::unique_ptr<WordFilter> words;
  std::unique_ptr<DocumentedExamples> examples;

  bool applies(const RuleSet& rules, const Vocabulary& v, size_t i) const {
    uint8_t known = word_filtered[i].load(std::memory_order_relaxed);
    if (known == 0) {
      bool exempt = !rules[i].check_placeholders;
      std::string id(rules.id(i));
      for (auto& g : v.word_exempt_rules) exempt = exempt || glob_match_path(g, id);
      known = exempt ? 2 : 1;
      word_filtered[i].store(known, std::memory_order_relaxed);
    }
    return known == 1;
  }
};

// A rule's validator and entropy threshold are looked up on its candidates, not here: a
// clean commit must not decode every rule to construct the policy.
Policy::Policy(const Config& config, const RuleSet& rules)
    : config_(config), rules_(rules), allow_(config), fingerprints_(config.fingerprint_keys) {
  re2::RE2::Options opt;
  opt.set_log_errors(false);
  opt.set_encoding(re2::RE2::Options::EncodingLatin1);
  for (auto& r : config.allow_regexes) {
    auto re = std::make_unique<re2::RE2>(r, opt);
    if (re->ok()) allow_regexes_.push_back(std::move(re));
  }
}
Policy::~Policy() = default;

const Policy::Filters& Policy::filters() const {
  std::call_once(filters_once_, [this] {
    auto f = std::make_unique<Filters>();
    const Vocabulary& v = rules_.vocabulary();
    f->word_filtered = std::make_unique<std::atomic<uint8_t>[]>(rules_.size());
    for (size_t i = 0; i < rules_.size(); ++i) f->word_filtered[i].store(0, std::memory_order_relaxed);
    f->words = std::make_unique<WordFilter>(v.words);
    f->examples = std::make_unique<DocumentedExamples>(v);
    filters_ = std::move(f);
  });
  return *filters_;
}

const std::string& Policy::severity(size_t rule_index) const {
  const Rule& r = rules_[rule_index];
  if (auto it = config_.overrides.find(r.id); it != config_.overrides.end() && !it->second.severity.empty())
    return it->second.severity;
  return r.severity;
}

bool Policy::keep_secret(size_t rule_index, std::string_view secret, std::string* validation,
                         std::string_view after) const {
  const Rule& rule = rules_[rule_index];
  if (allow_.allows_secret(rule.id, secret)) return false;
  // A published example is public whatever its checksum says.
  const Filters& filters = this->filters();
  if (filters.examples->is_example(secret, after)) return false;
  double min_entropy = rule.min_entropy;
  if (auto it = config_.overrides.find(rule.id); it != config_.overrides.end())
    if (it->second.min_entropy >= 0) min_entropy = it->second.min_entropy;
  if (min_entropy > 0 && shannon_entropy(secret) < min_entropy) return false;
  for (auto& re : allow_regexes_)
    if (re2::RE2::PartialMatch(re2::StringPiece(secret.data(), secret.size()), *re)) return false;
  Validation v;
  if (ValidatorFn fn = find_validator(rule.validator)) {
    v = fn(secret);
    if (v.validity == Validity::Invalid) return false;
    if (v.validity == Validity::Valid) *validation = v.kind;
  }
  // A valid checksum is proof the value was issued, whatever its random part spells
  // ("Fake", "xxxx", "abcdef" turn up in about one real token in 10^5); a valid structure
  // (a PEM's DER, a JWT's JSON) is not, so placeholders of those shapes are still dropped.
  bool checksummed = v.validity == Validity::Valid && v.kind == "checksum";
  if (!checksummed && rule.check_placeholders && looks_like_placeholder(secret)) return false;
  if (!checksummed && rule.check_placeholders &&
      (filters.applies(rules_, rules_.vocabulary(), rule_index) ? filters.words->made_of_words(secret)
                                         : filters.words->dotted_name(random_part(secret))))
    return false;
  // Binary glue, not a value anyone assigned: marshal's string header before a name, Go's
  // strings stored end to end.
  if (!checksummed && rule.check_placeholders &&
      (filters.words->marshal_glued_name(secret) || filters.words->glued_words(random_part(secret))))
    return false;
  return true;
}

bool Policy::allowed_by_comment(std::string_view line) const { return has_allow_comment(line); }

std::vector<size_t> Policy::allow_marker_positions(std::string_view line) const {
  return allow_comment_positions(line);
}

bool Policy::allows_next_line(std::string_view line) const { return has_nextline_allow_comment(line); }

bool Policy::fingerprint_allowed(const Finding& f) const {
  for (auto& a : config_.allow_fingerprints) {
    if (a == f.fingerprint) return true;
    for (auto& form : f.fingerprint_forms)
      if (a == form) return true;
  }
  return false;
}

bool Policy::path_allowed(std::string_view path) const {
  for (auto& p : config_.allow_paths)
    if (glob_match_path(p, path)) return true;
  return false;
}

bool Policy::rule_allowed_at(const std::string& rule_id, std::string_view path) const {
  if (auto it = config_.overrides.find(rule_id); it != config_.overrides.end())
    for (auto& p : it->second.allow_paths)
      if (glob_match_path(p, path)) return true;
  return allow_.allows_path(rule_id, path);
}

bool Policy::allowed_at(const std::string& rule_id, std::string_view path) const {
  return path_allowed(path) || rule_allowed_at(rule_id, path);
}

bool Policy::checkpoint_at(std::string_view path) const {
  return config_.block_checkpoints && is_checkpoint_path(path);
}

std::vector<std::string> Policy::apply_baseline(const Baseline& b, std::vector<Finding>& findings) const {
  return keyward::apply_baseline(b, findings);
}

}  // namespace keyward
