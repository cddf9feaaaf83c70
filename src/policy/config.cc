#include "config.h"

#include <algorithm>

#include <re2/re2.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "toml_util.h"

#include <fmt/format.h>

#include "gitleaks_config.h"
#include "fingerprint.h"
#include "nearest.h"
#include "glob.h"
#include "rule_set.h"

namespace keyward {
namespace {

int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }
// "line:column" of a node, for messages: they point at the text instead of quoting it,
// since a config holds allowlisted secrets and their patterns.
std::string pos(const toml::node& n) { return fmt::format("{}:{}", n.source().begin.line, n.source().begin.column); }

Status read_strings(const toml::table& t, const char* key, const std::string& where,
                    std::vector<std::string>& out) {
  auto node = t.get(key);
  if (!node) return std::nullopt;
  auto arr = node->as_array();
  if (!arr)
    return Error{fmt::format("{}:{}: '{}' must be an array of strings", where, pos(*node), key)};
  for (auto& el : *arr) {
    auto s = el.value<std::string>();
    if (!s) return Error{fmt::format("{}:{}: '{}' must hold strings only", where, pos(el), key)};
    out.push_back(*s);
  }
  return std::nullopt;
}

// Every key of t must be one of known: a typo must not silently turn a setting off.
Status only_keys(const toml::table& t, std::initializer_list<const char*> known, const std::string& origin,
                 const std::string& section) {
  for (auto& [key, node] : t) {
    (void)node;
    bool ok = false;
    std::string list;
    for (auto k : known) {
      ok |= key.str() == k;
      list += (list.empty() ? "" : ", ") + std::string(k);
    }
    if (!ok)
      return Error{fmt::format("{}:{}: unknown key '{}' in [{}] (known: {})", origin,
                               fmt::format("{}:{}", key.source().begin.line, key.source().begin.column),
                               shown_name(key.str()), section, list)};
  }
  return std::nullopt;
}

// Regexes are checked now so a bad one is an error with its line, not a silent no-op.
Status read_regexes(const toml::table& t, const char* key, const std::string& origin, std::vector<std::string>& out) {
  size_t first = out.size();
  if (auto e = read_strings(t, key, origin, out)) return e;
  auto arr = t.get(key) ? t.get(key)->as_array() : nullptr;
  re2::RE2::Options opt;
  opt.set_log_errors(false);
  opt.set_encoding(re2::RE2::Options::EncodingLatin1);
  for (size_t i = first; i < out.size(); ++i) {
    std::string at = arr ? pos(*arr->get(i - first)) : std::string("0");
    std::string why = regex_problem_without_text(out[i]);
    if (!why.empty())
      return Error{fmt::format("{}:{}: '{}' entry {} is not a valid RE2 regex: {}", origin, at, key, i - first + 1, why)};
    // An allowlist regex is searched for anywhere in the value or path: one that matches the
    // empty string ("", "x?", ".*") matches everything and would silently allow it all.
    re2::RE2 re(out[i], opt);
    if (re2::RE2::PartialMatch("", re))
      return Error{fmt::format("{}:{}: '{}' entry {} matches the empty string, so it would allow everything", origin,
                               at, key, i - first + 1)};
  }
  return std::nullopt;
}

Status read_words(const toml::table& t, const char* key, const std::string& origin, WordSet& out, bool fold_case) {
  auto node = t.get(key);
  if (!node) return std::nullopt;
  std::vector<std::string> words;
  if (auto e = read_strings(t, key, origin, words)) return e;
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i].empty())
      return Error{fmt::format("{}:{}: '{}' holds an empty string, which would allow everything", origin,
                               pos(*node->as_array()->get(i)), key)};
    out.add(words[i], fold_case);
  }
  out.finish();
  return std::nullopt;
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string regex_problem_without_text(const std::string& pattern) {
  re2::RE2::Options opt;
  opt.set_log_errors(false);
  opt.set_encoding(re2::RE2::Options::EncodingLatin1);
  re2::RE2 re(pattern, opt);
  // RE2's own error() quotes the offending piece of the pattern; the code alone does not.
  switch (re.error_code()) {
    case re2::RE2::NoError: return "";
    case re2::RE2::ErrorBadEscape: return "bad escape sequence";
    case re2::RE2::ErrorBadCharClass: return "bad character class";
    case re2::RE2::ErrorBadCharRange: return "bad character class range";
    case re2::RE2::ErrorMissingBracket: return "missing closing ]";
    case re2::RE2::ErrorMissingParen: return "missing closing )";
    case re2::RE2::ErrorUnexpectedParen: return "unexpected closing )";
    case re2::RE2::ErrorTrailingBackslash: return "trailing \\ at the end";
    case re2::RE2::ErrorRepeatArgument: return "repetition operator without an argument (e.g. a leading *)";
    case re2::RE2::ErrorRepeatSize: return "bad repetition count";
    case re2::RE2::ErrorRepeatOp: return "bad repetition operator";
    case re2::RE2::ErrorBadPerlOp: return "unsupported Perl syntax (lookarounds and backreferences are not RE2)";
    case re2::RE2::ErrorBadUTF8: return "invalid UTF-8";
    case re2::RE2::ErrorBadNamedCapture: return "bad named capture group";
    case re2::RE2::ErrorPatternTooLarge: return "pattern too large";
    default: return "rejected by RE2";
  }
}

std::string shown_name(std::string_view name) {
  // Keys, sections and rule ids are short lowercase words; a long mixed-case one is more
  // likely a token pasted where a key should be than a typo, and is not echoed.
  bool upper = false, lower = false, digit = false, odd = false;
  for (unsigned char c : name) {
    upper |= c >= 'A' && c <= 'Z';
    lower |= c >= 'a' && c <= 'z';
    digit |= c >= '0' && c <= '9';
    odd |= c < 0x20 || c >= 0x7f;
  }
  if (odd || name.size() > 40 || (name.size() >= 16 && ((upper && lower) || (digit && (upper || lower)))))
    return fmt::format("<a {}-character name, not shown>", name.size());
  return std::string(name);
}

std::string stopword_regex(const std::string& word) { return "(?i)" + re2::RE2::QuoteMeta(word); }

void WordSet::add(std::string_view word, bool fold_case) {
  size_t at = buf_.size();
  buf_.append(word);
  if (fold_case)
    for (size_t i = at; i < buf_.size(); ++i) buf_[i] = ascii_lower(buf_[i]);
  starts_.push_back(static_cast<uint32_t>(buf_.size()));
}

void WordSet::finish() {
  size_t n = starts_.size() - 1;
  size_t cap = 16;
  while (cap < 2 * n) cap *= 2;
  table_.assign(cap, 0);
  count_ = 0;
  lengths_.clear();
  std::hash<std::string_view> hash;
  for (uint32_t i = 0; i < n; ++i) {
    std::string_view w = word(i);
    for (size_t slot = hash(w) & (cap - 1);; slot = (slot + 1) & (cap - 1)) {
      if (table_[slot] == 0) {
        table_[slot] = i + 1;
        ++count_;
        lengths_.push_back(w.size());
        break;
      }
      if (word(table_[slot] - 1) == w) break;  // a duplicate
    }
  }
  std::sort(lengths_.begin(), lengths_.end());
  lengths_.erase(std::unique(lengths_.begin(), lengths_.end()), lengths_.end());
  buf_.shrink_to_fit();
  starts_.shrink_to_fit();
}

bool WordSet::has(std::string_view s) const {
  if (table_.empty()) return false;
  size_t mask = table_.size() - 1;
  for (size_t slot = std::hash<std::string_view>()(s) & mask; table_[slot] != 0; slot = (slot + 1) & mask)
    if (word(table_[slot] - 1) == s) return true;
  return false;
}

bool WordSet::contained_in(std::string_view s) const {
  if (count_ == 0) return false;
  std::string low(s);
  for (char& c : low) c = ascii_lower(c);
  std::string_view l(low);
  for (size_t len : lengths_) {
    if (len > l.size()) break;
    for (size_t i = 0; i + len <= l.size(); ++i)
      if (has(l.substr(i, len))) return true;
  }
  return false;
}

Result<Config> parse_config(const std::string& text, const std::string& origin) {
  Config cfg;
  cfg.origin = origin;
  auto parsed = parse_toml(text, origin);
  if (!parsed) return Error{parsed.error()};
  toml::table& doc = *parsed;
  for (auto& [key, node] : doc) {
    std::string k(key.str());
    if (k != "rules" && k != "rules_config" && k != "allowlist" && k != "rule" && k != "checkpoints" &&
        k != "server" && k != "version" && k != "fingerprint_key" && k != "baseline" && k != "verify")
      return Error{fmt::format("{}:{}: unknown section '{}' (known: allowlist, rules_config, rules, rule, "
                               "checkpoints, server, verify, fingerprint_key, baseline)", origin, pos(node), shown_name(k))};
    if (k != "rules" && k != "version" && k != "fingerprint_key" && k != "baseline" && !node.is_table())
      return Error{fmt::format("{}:{}: '{}' must be a table ([{}])", origin, pos(node), k, k)};
  }
  if (auto fk = doc.get("fingerprint_key")) {
    auto s = fk->value<std::string>();
    if (!s) return Error{fmt::format("{}:{}: fingerprint_key must be a string", origin, pos(*fk))};
    std::string why = fingerprint_key_problem(*s);
    if (!why.empty()) return Error{fmt::format("{}:{}: fingerprint_key {}", origin, pos(*fk), why)};
    cfg.fingerprint_key = *s;
  }
  if (auto b = doc.get("baseline")) {
    auto s = b->value<std::string>();
    if (!s || s->empty())
      return Error{fmt::format("{}:{}: baseline must be a file name (relative to {}'s directory)", origin, pos(*b),
                               origin)};
    cfg.baseline = *s;
  }
  if (auto v = doc.get("version"); v && v->value<int64_t>() != int64_t{1})
    return Error{fmt::format("{}:{}: version must be 1", origin, pos(*v))};
  if (auto allow = doc["allowlist"].as_table()) {
    if (auto e = only_keys(*allow, {"paths", "path_regexes", "regexes", "stopwords", "values", "fingerprints",
                                    "description"}, origin, "allowlist"))
      return *e;
    if (auto e = read_strings(*allow, "paths", origin, cfg.allow_paths)) return *e;
    if (auto e = read_regexes(*allow, "path_regexes", origin, cfg.allow_path_regexes)) return *e;
    if (auto e = read_regexes(*allow, "regexes", origin, cfg.allow_regexes)) return *e;
    if (auto e = read_words(*allow, "stopwords", origin, cfg.stopwords, true)) return *e;
    if (auto e = read_words(*allow, "values", origin, cfg.allow_values, false)) return *e;
    if (auto e = read_strings(*allow, "fingerprints", origin, cfg.allow_fingerprints)) return *e;
    for (size_t i = 0; i < cfg.allow_fingerprints.size(); ++i) {
      const std::string& fp = cfg.allow_fingerprints[i];
      if (fp.size() != 32 || fp.find_first_not_of("0123456789abcdef") != std::string::npos)
        return Error{fmt::format("{}:{}: 'fingerprints' entry {} is not a keyward fingerprint (32 hex digits, as "
                                 "printed in --format json)", origin,
                                 pos(*allow->get("fingerprints")->as_array()->get(i)), i + 1)};
    }
  }
  if (auto rc = doc["rules_config"].as_table()) {
    if (auto e = only_keys(*rc, {"disable"}, origin, "rules_config")) return *e;
    if (auto e = read_strings(*rc, "disable", origin, cfg.disabled)) return *e;
    for (auto& id : cfg.disabled) cfg.rule_refs.emplace(id, line_of(*rc->get("disable")));
  }
  if (auto cp = doc["checkpoints"].as_table()) {
    if (auto e = only_keys(*cp, {"block"}, origin, "checkpoints")) return *e;
    if (auto b = cp->get("block")) {
      if (!b->is_boolean()) return Error{fmt::format("{}:{}: 'block' must be true or false", origin, pos(*b))};
      cfg.block_checkpoints = *b->value<bool>();
      cfg.checkpoints_configured = true;
    }
  }
  if (auto sv = doc["server"].as_table()) {
    if (auto e = only_keys(*sv, {"refs", "bypass", "baseline", "on_error"}, origin, "server")) return *e;
    if (auto e = read_strings(*sv, "refs", origin, cfg.server.refs)) return *e;
    if (auto b = sv->get("bypass")) {
      if (!b->is_boolean()) return Error{fmt::format("{}:{}: 'bypass' must be true or false", origin, pos(*b))};
      cfg.server.bypass = *b->value<bool>();
    }
    if (auto b = sv->get("baseline")) {
      if (!b->is_string()) return Error{fmt::format("{}:{}: 'baseline' must be a file name", origin, pos(*b))};
      cfg.server.baseline = *b->value<std::string>();
    }
    if (auto b = sv->get("on_error")) {
      auto v = b->value<std::string>();
      if (!v || (*v != "reject" && *v != "accept"))
        return Error{fmt::format("{}:{}: 'on_error' must be \"reject\" or \"accept\"", origin, pos(*b))};
      cfg.server.fail_open = *v == "accept";
    }
  }
  if (auto vf = doc["verify"].as_table()) {
    if (auto e = only_keys(*vf, {"in_hooks", "timeout", "parallel"}, origin, "verify")) return *e;
    if (auto b = vf->get("in_hooks")) {
      if (!b->is_boolean()) return Error{fmt::format("{}:{}: 'in_hooks' must be true or false", origin, pos(*b))};
      cfg.verify.in_hooks = *b->value<bool>();
    }
    if (auto b = vf->get("timeout")) {
      auto v = b->value<double>();
      if (!v || *v <= 0 || *v > 120)
        return Error{fmt::format("{}:{}: 'timeout' must be a number of seconds (0 to 120)", origin, pos(*b))};
      cfg.verify.timeout = *v;
    }
    if (auto b = vf->get("parallel")) {
      auto v = b->value<int64_t>();
      if (!v || *v < 1 || *v > 16)
        return Error{fmt::format("{}:{}: 'parallel' must be a whole number from 1 to 16", origin, pos(*b))};
      cfg.verify.parallel = static_cast<int>(*v);
    }
  }
  if (auto per = doc["rule"].as_table()) {
    for (auto& [id, node] : *per) {
      std::string section = fmt::format("rule.{}", shown_name(id.str()));
      auto t = node.as_table();
      if (!t) return Error{fmt::format("{}:{}: [{}] must be a table", origin, pos(node), section)};
      if (auto e = only_keys(*t, {"allow_paths", "allow_path_regexes", "allow_regexes", "stopwords", "allow_values",
                                  "min_entropy", "severity", "disable"}, origin, section))
        return *e;
      RuleOverride o;
      if (auto e = read_strings(*t, "allow_paths", origin, o.allow_paths)) return *e;
      if (auto e = read_regexes(*t, "allow_path_regexes", origin, o.allow_path_regexes)) return *e;
      if (auto e = read_regexes(*t, "allow_regexes", origin, o.allow_regexes)) return *e;
      if (auto e = read_words(*t, "stopwords", origin, o.stopwords, true)) return *e;
      if (auto e = read_words(*t, "allow_values", origin, o.allow_values, false)) return *e;
      if (auto v = t->get("min_entropy")) {
        auto d = v->value<double>();
        if (!d || *d < 0 || *d > 8)
          return Error{fmt::format("{}:{}: min_entropy must be a number from 0 to 8 (bits per byte)", origin,
                                   pos(*v))};
        o.min_entropy = *d;
      }
      if (auto v = t->get("severity")) {
        auto s = v->value<std::string>();
        if (!s || (*s != "high" && *s != "medium" && *s != "low"))
          return Error{fmt::format("{}:{}: severity must be \"high\", \"medium\" or \"low\"", origin, pos(*v))};
        o.severity = *s;
      }
      if (auto v = t->get("disable")) {
        if (!v->is_boolean()) return Error{fmt::format("{}:{}: 'disable' must be true or false", origin, pos(*v))};
        if (*v->value<bool>()) cfg.disabled.push_back(std::string(id.str()));
      }
      cfg.rule_refs.emplace(std::string(id.str()), line_of(node));
      cfg.overrides[std::string(id.str())] = o;
    }
  }
  if (doc["rules"]) {
    if (!doc["rules"].is_array_of_tables())
      return Error{fmt::format("{}:{}: 'rules' must be an array of tables ([[rules]])", origin,
                               pos(*doc.get("rules")))};
    if (auto e = RuleSet::parse_file(text, origin, cfg.rules)) return *e;
    // A repository's own config must not choose where its secrets are sent: verification
    // and revocation come only from the installed rule files.
    for (auto& r : cfg.rules) r.verify = r.revoke = HttpCheck{};
  }
  return cfg;
}

Result<Config> load_config(const std::string& path) {
  // A directory opens as a stream that reads as empty: an unreadable config must never
  // pass for an empty one.
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return Error{fmt::format("cannot read config file '{}': {}", path, std::strerror(errno))};
  if (!S_ISREG(st.st_mode)) return Error{fmt::format("cannot read config file '{}': not a regular file", path)};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("cannot read config file '{}'", path)};
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Error{fmt::format("cannot read config file '{}'", path)};
  if (looks_like_gitleaks_config(ss.str(), path)) return convert_gitleaks_config(ss.str(), path);
  return parse_config(ss.str(), path);
}

Status check_rule_ids(Config& cfg, const std::function<bool(const std::string&)>& known,
                      const std::vector<std::string>& ids) {
  std::set<std::string> unknown;
  for (auto& [id, line] : cfg.rule_refs) {
    // The built-in hygiene check is disabled like a rule (`keyward rules` lists it).
    if (id == "ipynb-checkpoint") {
      if (std::find(cfg.disabled.begin(), cfg.disabled.end(), id) != cfg.disabled.end()) cfg.block_checkpoints = false;
      continue;
    }
    if (known(id)) continue;
    if (!cfg.migrated)
    {
      std::string near = nearest_word(id, ids);
      return Error{fmt::format("{}:{}: unknown rule '{}'{} (list the ids with 'keyward rules')", cfg.origin, line,
                               shown_name(id), near.empty() ? std::string() : "; did you mean '" + near + "'?")};
    }
    cfg.notes.push_back(fmt::format("{}:{}: rule '{}' is not a keyward rule; its settings were dropped", cfg.origin,
                                    line, shown_name(id)));
    unknown.insert(id);
  }
  for (auto& id : unknown) cfg.overrides.erase(id);
  return std::nullopt;
}

struct AllowMatcher::Impl {
  using Regexes = std::vector<std::unique_ptr<re2::RE2>>;
  Regexes path_regexes;
  std::map<std::string, std::pair<Regexes, Regexes>> per_rule;  // (path regexes, secret regexes)
  const Config* config = nullptr;  // its word sets, used in place
};

namespace {
void compile_all(const std::vector<std::string>& src, std::vector<std::unique_ptr<re2::RE2>>& out) {
  re2::RE2::Options opt;
  opt.set_log_errors(false);
  opt.set_encoding(re2::RE2::Options::EncodingLatin1);
  for (auto& s : src) {
    auto re = std::make_unique<re2::RE2>(s, opt);
    if (re->ok()) out.push_back(std::move(re));  // parse_config already rejected bad ones
  }
}
bool any_match(const std::vector<std::unique_ptr<re2::RE2>>& res, std::string_view s) {
  for (auto& re : res)
    if (re2::RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re)) return true;
  return false;
}
}  // namespace

AllowMatcher::AllowMatcher(const Config& c) : impl_(std::make_unique<Impl>()) {
  impl_->config = &c;
  compile_all(c.allow_path_regexes, impl_->path_regexes);
  for (auto& [id, o] : c.overrides) {
    if (o.allow_path_regexes.empty() && o.allow_regexes.empty()) continue;
    auto& slot = impl_->per_rule[id];
    compile_all(o.allow_path_regexes, slot.first);
    compile_all(o.allow_regexes, slot.second);
  }
}
AllowMatcher::~AllowMatcher() = default;

bool AllowMatcher::allows(const std::string& rule_id, std::string_view path, std::string_view secret) const {
  return allows_path(rule_id, path) || allows_secret(rule_id, secret);
}

bool AllowMatcher::allows_path(const std::string& rule_id, std::string_view path) const {
  if (any_match(impl_->path_regexes, path)) return true;
  auto it = impl_->per_rule.find(rule_id);
  return it != impl_->per_rule.end() && any_match(it->second.first, path);
}

bool AllowMatcher::allows_secret(const std::string& rule_id, std::string_view secret) const {
  const Config& c = *impl_->config;
  if (c.stopwords.contained_in(secret) || c.allow_values.has(secret)) return true;
  if (auto o = c.overrides.find(rule_id); o != c.overrides.end())
    if (o->second.stopwords.contained_in(secret) || o->second.allow_values.has(secret)) return true;
  auto it = impl_->per_rule.find(rule_id);
  return it != impl_->per_rule.end() && any_match(it->second.second, secret);
}

}  // namespace keyward
