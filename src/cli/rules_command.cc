#include "rules_command.h"

#include <fmt/format.h>

#include "json_writer.h"

namespace keyward {

void list_rules(std::ostream& out, const RuleSet& rules, bool json) {
  if (json) {
    out << "{\"version\": 1, \"count\": " << rules.size() << ", \"rules\": [";
    for (size_t i = 0; i < rules.size(); ++i) {
      const Rule& r = rules[i];
      out << (i ? ",\n  " : "\n  ") << "{\"id\": " << json_string(r.id) << ", \"provider\": " << json_string(r.provider)
          << ", \"description\": " << json_string(r.description)
          << ", \"validation\": " << json_string(r.validator.empty() ? "none" : r.validator)
          << ", \"min_entropy\": " << r.min_entropy << ", \"references\": [";
      for (size_t k = 0; k < r.references.size(); ++k) out << (k ? ", " : "") << json_string(r.references[k]);
      out << "]}";
    }
    out << "\n]}\n";
    return;
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    const Rule& r = rules[i];
    out << fmt::format("{:<44} {:<20} {}\n", r.id, r.provider.substr(0, 20), r.description);
  }
  out << fmt::format("{} rules\n", rules.size());
}

size_t test_rules(const Engine& engine, std::ostream& out, std::ostream& err) {
  const RuleSet& rules = engine.rules();
  auto scratch = engine.matcher().make_scratch();
  if (!scratch) {
    err << "keyward: error: " << scratch.error() << '\n';
    return 1;
  }
  size_t failures = 0, examples = 0, failed_rules = 0;
  auto fail = [&](const Rule& r, const std::string& what) {
    ++failures;
    err << fmt::format("{}: rule {}: {}\n", r.origin, r.id, what);
  };
  for (size_t i = 0; i < rules.size(); ++i) {
    const Rule& r = rules[i];
    size_t failures_before = failures;
    if (auto e = hs_check_regex(r.regex)) fail(r, "Hyperscan rejects the regex: " + e->message);
    std::string re_err;
    if (!rules.confirmer(i, &re_err)) fail(r, "RE2 rejects the regex: " + re_err);
    if (r.positive.size() < 2) fail(r, fmt::format("needs at least 2 positive examples, has {}", r.positive.size()));
    if (r.negative.size() < 2) fail(r, fmt::format("needs at least 2 negative examples, has {}", r.negative.size()));
    auto found_by_rule = [&](const std::string& text) {
      auto found = engine.scanner().scan("example.txt", text, *scratch);
      if (!found) return false;
      for (auto& f : *found)
        if (f.rule_id == r.id) return true;
      return false;
    };
    for (size_t k = 0; k < r.positive.size(); ++k, ++examples)
      if (!found_by_rule(r.positive[k])) fail(r, fmt::format("positive example {} is not found", k + 1));
    for (size_t k = 0; k < r.negative.size(); ++k, ++examples)
      if (found_by_rule(r.negative[k])) fail(r, fmt::format("negative example {} is found", k + 1));
    failed_rules += failures > failures_before;
  }
  out << fmt::format("{} examples in {} rules\n", examples, rules.size());
  out << fmt::format("rules: {} passed, {} failed\n", rules.size() - failed_rules, failed_rules);
  return failures;
}

}  // namespace keyward
