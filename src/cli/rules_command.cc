#include "rules_command.h"

#include <fmt/format.h>

#include "json_writer.h"

namespace keyward {

namespace {

// Not a pattern but listed with them: so it can be found, read and disabled like one.
constexpr const char* kCheckpointId = "ipynb-checkpoint";
constexpr const char* kCheckpointProvider = "Jupyter";
constexpr const char* kCheckpointDescription =
    "a file under .ipynb_checkpoints/ (Jupyter's copies of notebooks, secrets included); hygiene, not a secret";

void json_strings(std::ostream& out, const std::vector<std::string>& v) {
  out << '[';
  for (size_t k = 0; k < v.size(); ++k) out << (k ? ", " : "") << json_string(v[k]);
  out << ']';
}

void json_rule(std::ostream& out, const Rule& r) {
  out << "{\"id\": " << json_string(r.id) << ", \"provider\": " << json_string(r.provider)
      << ", \"description\": " << json_string(r.description)
      << ", \"validation\": " << json_string(r.validator.empty() ? "none" : r.validator)
      << ", \"validator\": " << json_string(r.validator) << ", \"regex\": " << json_string(r.regex)
      << ", \"secret_group\": " << r.secret_group << ", \"keywords\": ";
  json_strings(out, r.keywords);
  out << ", \"min_entropy\": " << r.min_entropy << ", \"severity\": " << json_string(r.severity)
      << ", \"advice\": " << json_string(r.advice) << ", \"examples\": {\"positive\": ";
  json_strings(out, r.positive);
  out << ", \"negative\": ";
  json_strings(out, r.negative);
  out << "}, \"references\": ";
  json_strings(out, r.references);
  if (r.keyed()) {  // the rule as written; "regex" above is its expansion
    out << ", \"context\": ";
    json_strings(out, r.context);
    out << ", \"context_secret\": " << json_string(r.secret) << ", \"name_allow\": ";
    json_strings(out, r.name_allow);
  }
  out << ", \"origin\": " << json_string(r.origin) << "}";
}

Rule checkpoint_rule() {
  Rule r;
  r.id = kCheckpointId;
  r.provider = kCheckpointProvider;
  r.description = kCheckpointDescription;
  r.severity = "low";
  r.advice = "Unstage the folder (git rm -r --cached <dir>/.ipynb_checkpoints) and add .ipynb_checkpoints/ to "
             ".gitignore; outside git it is a warning (leave the folder out of the upload).";
  r.origin = "built in ([checkpoints] in .keyward.toml)";
  return r;
}

void show_rule(std::ostream& out, const Rule& r) {
  auto list = [&](const char* name, const std::vector<std::string>& v) {
    out << (v.empty() ? fmt::format("{:<12} (none)\n", name) : fmt::format("{}\n", name));
    for (auto& x : v) out << "    " << x << '\n';
  };
  out << fmt::format("{:<12} {}\n", "id", r.id);
  out << fmt::format("{:<12} {}\n", "provider", r.provider);
  out << fmt::format("{:<12} {}\n", "description", r.description);
  out << fmt::format("{:<12} {}\n", "severity", r.severity);
  if (r.keyed()) {
    list("context", r.context);
    out << fmt::format("{:<12} {}\n", "value", r.secret);
    if (!r.name_allow.empty()) list("name allows", r.name_allow);
  }
  out << fmt::format("{:<12} {}\n", "regex", r.regex.empty() ? "(none: matched by path)" : r.regex);
  if (!r.regex.empty()) out << fmt::format("{:<12} {}\n", "secret", r.secret_group ? fmt::format("capture group {}", r.secret_group) : "the whole match");
  list("keywords", r.keywords);
  out << fmt::format("{:<12} {}\n", "entropy", r.min_entropy > 0 ? fmt::format("at least {} bits per byte", r.min_entropy) : "(no minimum)");
  out << fmt::format("{:<12} {}\n", "validator", r.validator.empty() ? "none" : r.validator);
  out << fmt::format("{:<12} {}\n", "advice", r.advice.empty() ? "(the default: revoke it, then read it from the environment)" : r.advice);
  list("examples", r.positive);
  list("negatives", r.negative);
  list("references", r.references);
  // Where --verify and `keyward revoke` send this rule's secrets (docs/verification.md).
  auto check = [&](const char* label, const HttpCheck& c) {
    if (c.empty()) return;
    out << fmt::format("{:<12} {}\n", label,
                       c.kind == "offline" ? "nothing is sent: " + c.note
                                           : fmt::format("{} {}{}", c.method, c.url,
                                                         c.kind == "aws-sigv4" ? " (signed with AWS SigV4)" : ""));
  };
  check("verify", r.verify);
  check("revoke", r.revoke);
  out << fmt::format("{:<12} {}\n", "origin", r.origin);
}

}  // namespace

void list_rules(std::ostream& out, const RuleSet& rules, bool json) {
  Rule checkpoint = checkpoint_rule();
  if (json) {
    out << "{\"version\": 1, \"count\": " << rules.size() + 1 << ", \"rules\": [";
    for (size_t i = 0; i < rules.size(); ++i) {
      out << (i ? ",\n  " : "\n  ");
      json_rule(out, rules[i]);
    }
    out << ",\n  ";
    json_rule(out, checkpoint);
    out << "\n]}\n";
    return;
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    const Rule& r = rules[i];
    out << fmt::format("{:<44} {:<20} {}\n", r.id, r.provider.substr(0, 20), r.description);
  }
  out << fmt::format("{:<44} {:<20} {}\n", checkpoint.id, checkpoint.provider, checkpoint.description);
  out << fmt::format("{} rules\n", rules.size() + 1);
}

bool show_one_rule(std::ostream& out, const RuleSet& rules, const std::string& id, bool json) {
  const Rule* r = rules.find(id);
  Rule checkpoint = checkpoint_rule();
  if (!r && id == checkpoint.id) r = &checkpoint;
  if (!r) return false;
  if (json) {
    json_rule(out, *r);
    out << '\n';
  } else {
    show_rule(out, *r);
  }
  return true;
}

std::vector<std::string> rule_ids(const RuleSet& rules) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < rules.size(); ++i) ids.push_back(rules[i].id);
  ids.push_back(kCheckpointId);
  return ids;
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
    // Hyperscan accepted every rule's regex already: the engine's database is all of them,
    // compiled with the same flags (a rejected one fails the engine, naming the rule).
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
