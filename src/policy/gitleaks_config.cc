#include "gitleaks_config.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "toml_util.h"

#include <fmt/format.h>

#include "hs_database.h"

namespace keyward {
namespace {

int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> strings_at(const toml::table& t, const char* key) {
  std::vector<std::string> out;
  if (auto arr = t[key].as_array())
    for (auto& el : *arr)
      if (auto s = el.value<std::string>()) out.push_back(*s);
  return out;
}

// gitleaks ids are free-form; keyward's are kebab-case.
std::string kebab(const std::string& id) {
  std::string out;
  for (char c : lower(id)) {
    bool ok = std::isalnum(static_cast<unsigned char>(c));
    if (ok) out += c;
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty() || !std::islower(static_cast<unsigned char>(out[0]))) out = "gitleaks-" + out;
  return out;
}

const char* lookaround(const std::string& re) {
  for (const char* l : {"(?=", "(?!", "(?<=", "(?<!"})
    if (re.find(l) != std::string::npos) return l;
  return nullptr;
}

// Why a regex cannot be used, or "" if both engines take it (confirm = RE2, find = Hyperscan).
std::string regex_problem(const std::string& re, bool need_hyperscan, int* groups = nullptr) {
  if (const char* l = lookaround(re))
    return fmt::format("it uses a lookaround '{}...)', which neither Hyperscan nor RE2 supports", l);
  re2::RE2::Options opt;
  opt.set_log_errors(false);
  opt.set_encoding(re2::RE2::Options::EncodingLatin1);
  re2::RE2 r("(?m)" + re, opt);
  if (!r.ok()) return fmt::format("RE2 rejects it: {}", regex_problem_without_text("(?m)" + re));
  if (groups) *groups = r.NumberOfCapturingGroups();
  if (need_hyperscan)
    if (auto e = hs_check_regex(re)) return fmt::format("Hyperscan rejects it: {}", e->message);
  return "";
}

struct Converter {
  std::string origin;
  Config cfg;

  void note(int line, const std::string& what) { cfg.notes.push_back(fmt::format("{}:{}: {}", origin, line, what)); }

  // One allowlist table (global or a rule's): secret regexes, path regexes, stopwords into
  // the given slots. `where` names it in notes.
  void allowlist(const toml::table& a, const std::string& where, std::vector<std::string>& secret_res,
                 std::vector<std::string>& path_res, WordSet& stopwords) {
    int line = line_of(a);
    std::string target = a["regexTarget"].value_or(std::string("secret"));
    std::string condition = a["condition"].value_or(std::string("OR"));
    int kinds = (a.contains("regexes") ? 1 : 0) + (a.contains("paths") ? 1 : 0) + (a.contains("stopwords") ? 1 : 0) +
                (a.contains("commits") ? 1 : 0);
    if (lower(condition) == "and" && kinds > 1) {
      note(line, fmt::format("{}: condition = \"AND\" (every criterion must hold) is not supported; this allowlist "
                             "was not converted, so what it allowed is reported", where));
      return;
    }
    for (auto& [key, node] : a) {
      std::string k(key.str());
      if (k == "regexes") {
        if (target != "secret") {
          note(line_of(node), fmt::format("{}: regexTarget = \"{}\": keyward allowlist regexes apply to the secret "
                                          "only; these regexes were not converted", where, target));
          continue;
        }
        for (auto& re : strings_at(a, "regexes")) {
          std::string why = regex_problem(re, false);
          if (why.empty()) secret_res.push_back(re);
          // Not quoted: an allowlist regex may hold the very secret it allows.
          else note(line_of(node), fmt::format("{}: an allowlist regex was not converted: {}", where, why));
        }
      } else if (k == "paths") {
        for (auto& re : strings_at(a, "paths")) {
          std::string why = regex_problem(re, false);
          if (why.empty()) path_res.push_back(re);
          else note(line_of(node), fmt::format("{}: allowlist path '{}' was not converted: {}", where, re, why));
        }
      } else if (k == "stopwords") {
        for (auto& w : strings_at(a, "stopwords"))
          if (!w.empty()) stopwords.add(w, true);
        stopwords.finish();
      } else if (k == "commits") {
        note(line_of(node), fmt::format("{}: commit allowlists are not converted: keyward's ignores are "
                                        "content-based and survive rebases (write a baseline with "
                                        "'keyward baseline', or add 'keyward:allow' to the line)", where));
      } else if (k != "description" && k != "regexTarget" && k != "condition" && k != "targetRules") {
        note(line_of(node), fmt::format("{}: unknown allowlist key '{}' ignored", where, k));
      }
    }
  }

  void global_allowlist(const toml::table& a) {
    auto targets = strings_at(a, "targetRules");
    if (targets.empty()) {
      allowlist(a, "[allowlist]", cfg.allow_regexes, cfg.allow_path_regexes, cfg.stopwords);
      return;
    }
    for (auto& id : targets) {
      std::string k = kebab(id);
      auto& o = cfg.overrides[k];
      cfg.rule_refs.emplace(k, line_of(a));
      allowlist(a, fmt::format("[[allowlists]] for rule {}", k), o.allow_regexes, o.allow_path_regexes, o.stopwords);
    }
  }

  void rule(const toml::table& t, std::set<std::string>& seen) {
    int line = line_of(t);
    std::string raw_id = t["id"].value_or(std::string());
    if (raw_id.empty()) {
      note(line, "a rule without an id was not converted");
      return;
    }
    std::string id = kebab(raw_id);
    std::string where = fmt::format("rule '{}'", raw_id);
    if (id != raw_id) note(line, fmt::format("{}: renamed '{}' (keyward rule ids are kebab-case)", where, id));
    if (!seen.insert(id).second) {
      note(line, fmt::format("{}: a second rule with id '{}' was not converted", where, id));
      return;
    }
    std::string regex = t["regex"].value_or(std::string());
    if (regex.empty()) {
      if (t.contains("path"))
        note(line, fmt::format("{}: a rule that matches file paths only (path = '{}') was not converted: keyward "
                               "matches file contents", where, t["path"].value_or(std::string())));
      else
        note(line, fmt::format("{}: no regex; not converted", where));
      return;
    }
    int groups = 0;
    std::string why = regex_problem(regex, true, &groups);
    if (!why.empty()) {
      note(line, fmt::format("{}: regex not converted: {}", where, why));
      return;
    }
    Rule r;
    r.id = id;
    r.origin = origin;
    r.provider = "gitleaks config";
    r.description = t["description"].value_or(raw_id);
    r.regex = regex;
    // gitleaks: secretGroup unset means group 1 when there is exactly one group, else the match.
    int64_t sg = t["secretGroup"].value_or(int64_t{0});
    r.secret_group = sg > 0 ? static_cast<int>(sg) : (groups == 1 ? 1 : 0);
    if (r.secret_group > groups) {
      note(line, fmt::format("{}: secretGroup = {} but the regex has {} capture group(s); not converted", where, sg,
                             groups));
      return;
    }
    if (auto e = t["entropy"].value<double>()) r.min_entropy = *e;
    for (auto& k : strings_at(t, "keywords")) r.keywords.push_back(lower(k));
    if (t.contains("path"))
      note(line, fmt::format("{}: path = '{}' (limit the rule to matching paths) is not supported: the rule "
                             "applies to every path", where, t["path"].value_or(std::string())));
    for (auto& [key, node] : t) {
      std::string k(key.str());
      static const std::set<std::string> known = {"id", "description", "regex", "secretGroup", "entropy", "keywords",
                                                  "path", "tags", "allowlist", "allowlists"};
      if (!known.count(k)) note(line_of(node), fmt::format("{}: key '{}' ignored (keyward has no equivalent)", where, k));
    }
    RuleOverride& o = cfg.overrides[id];
    if (auto a = t["allowlist"].as_table()) allowlist(*a, where, o.allow_regexes, o.allow_path_regexes, o.stopwords);
    if (auto arr = t["allowlists"].as_array())
      for (auto& el : *arr)
        if (auto a = el.as_table()) allowlist(*a, where, o.allow_regexes, o.allow_path_regexes, o.stopwords);
    if (o.allow_regexes.empty() && o.allow_path_regexes.empty() && o.stopwords.empty()) cfg.overrides.erase(id);
    cfg.rules.push_back(std::move(r));
  }
};

}  // namespace

bool looks_like_gitleaks_config(const std::string& text, const std::string& path) {
  std::string base = lower(path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1));
  if (base.find("keyward") != std::string::npos) return false;  // .keyward.toml is always keyward's own format
  if (base.find("leaks") != std::string::npos && base.size() > 5 && base.substr(base.size() - 5) == ".toml")
    return true;
  toml::table doc;
  try {
    doc = toml::parse(text, path);
  } catch (const toml::parse_error&) {
    return false;  // parse_config reports the error with its line
  }
  if (doc.contains("title") || doc.contains("extend") || doc.contains("allowlists")) return true;
  if (auto a = doc["allowlist"].as_table())
    if (a->contains("regexTarget") || a->contains("commits") || a->contains("targetRules")) return true;
  if (auto rules = doc["rules"].as_array())
    for (auto& n : *rules)
      if (auto t = n.as_table())
        for (const char* k : {"secretGroup", "entropy", "allowlist", "allowlists", "path", "tags"})
          if (t->contains(k)) return true;
  return false;
}

Result<Config> convert_gitleaks_config(const std::string& text, const std::string& origin) {
  auto parsed = parse_toml(text, origin);
  if (!parsed) return Error{parsed.error()};
  toml::table& doc = *parsed;
  Converter c;
  c.origin = origin;
  c.cfg.origin = origin;
  c.cfg.migrated = true;
  for (auto& [key, node] : doc) {
    std::string k(key.str());
    if (k == "title" || k == "description" || k == "rules" || k == "allowlist" || k == "allowlists") continue;
    if (k == "extend") {
      auto ext = node.as_table();
      if (!ext) continue;
      if ((*ext)["useDefault"].value_or(false))
        c.note(line_of(node), "[extend] useDefault = true: gitleaks' default rules are not loaded; keyward's own "
                              "rules (always loaded) take their place");
      if (auto p = (*ext)["path"].value<std::string>())
        c.note(line_of(node), fmt::format("[extend] path = '{}' is not followed: convert that file with --config "
                                          "instead, or merge it into this one", *p));
      if (auto u = (*ext)["url"].value<std::string>())
        c.note(line_of(node), fmt::format("[extend] url = '{}' is not fetched (keyward reads local files only)", *u));
      for (auto& id : strings_at(*ext, "disabledRules")) {
        c.cfg.disabled.push_back(kebab(id));
        c.cfg.rule_refs.emplace(kebab(id), line_of(node));
      }
      continue;
    }
    c.note(line_of(node), fmt::format("top-level key '{}' ignored (not a gitleaks setting keyward knows)", k));
  }
  if (doc.contains("rules") && !doc["rules"].is_array_of_tables())
    return Error{fmt::format("{}:{}: 'rules' must be an array of tables ([[rules]])", origin,
                             line_of(*doc.get("rules")))};
  std::set<std::string> seen;
  if (auto rules = doc["rules"].as_array())
    for (auto& n : *rules)
      if (auto t = n.as_table()) c.rule(*t, seen);
  if (auto a = doc["allowlist"].as_table()) c.global_allowlist(*a);
  if (auto arr = doc["allowlists"].as_array())
    for (auto& n : *arr)
      if (auto a = n.as_table()) c.global_allowlist(*a);
  return std::move(c.cfg);
}

}  // namespace keyward
