// Rule files are TOML: a top-level `provider` and an array of [[rules]] tables.
#include "rule_set.h"

#include <unistd.h>

#include <re2/re2.h>
#include <sys/stat.h>

#include <algorithm>
#include <deque>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

#include "keyed_rule.h"
#include "rule_cache.h"
#include "toml_util.h"

#include <fmt/format.h>

namespace keyward {

// One rule of the set: its decoded Rule (owned by Impl::rules) once there is one, the
// fields a warm start needs of every rule (views into that Rule or the mapped cache), and
// its confirming program, compiled on first use.
struct RuleSet::Entry {
  std::atomic<const Rule*> rule{nullptr};
  std::string_view id, validator;
  CachedRuleRef ref;  // a cached rule's place in Impl::cached
  std::once_flag confirm_once;
  std::unique_ptr<re2::RE2> re;
  std::string error;
};

// Deques: an Entry (atomic, once_flag) cannot move, and a Rule handed out by reference
// must not; appending to a deque moves neither.
struct RuleSet::Impl {
  std::deque<Entry> entries;
  std::deque<Rule> rules;            // added ones, and cached ones once decoded
  std::string_view cached;           // the rules part of the mapped cache file
  std::shared_ptr<const void> keep;  // owns cached
  std::mutex decode_mutex;
  // id -> entry, built on the first lookup: a clean commit with no configuration looks
  // up no rule by id.
  std::mutex index_mutex;
  bool indexed = false;
  std::unordered_map<std::string_view, size_t> index;

  void ensure_index() {  // with index_mutex held, or from a single thread
    if (indexed) return;
    index.reserve(entries.size());
    // Cached ids were checked unique when the rules were parsed, before the cache was
    // written (its checksum covers them since); the first of a duplicate wins.
    for (size_t i = 0; i < entries.size(); ++i) index.emplace(entries[i].id, i);
    indexed = true;
  }
  Entry& push(const Rule* r) {
    Entry& e = entries.emplace_back();
    e.rule.store(r, std::memory_order_relaxed);
    if (r) {
      e.id = r->id;
      e.validator = r->validator;
    }
    return e;
  }
};

struct RuleSet::LazyVocabulary {
  std::once_flag once;
  std::atomic<bool> decoded{false};
  std::string_view bytes;
  std::shared_ptr<const void> keep;
  Vocabulary v;
};

RuleSet::RuleSet() : impl_(std::make_unique<Impl>()), vocabulary_(std::make_shared<LazyVocabulary>()) {}
RuleSet::~RuleSet() = default;
RuleSet::RuleSet(RuleSet&&) noexcept = default;
RuleSet& RuleSet::operator=(RuleSet&&) noexcept = default;

namespace {

bool is_kebab(const std::string& id) {
  if (id.empty() || !std::islower(static_cast<unsigned char>(id[0]))) return false;
  for (char c : id)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
          c == '-'))
      return false;
  return id.back() != '-';
}

std::vector<std::string> strings(const toml::node_view<const toml::node>& n, const std::string& where,
                                 std::string* err) {
  std::vector<std::string> out;
  if (!n) return out;
  if (auto s = n.value<std::string>()) {
    out.push_back(*s);
    return out;
  }
  auto arr = n.as_array();
  if (!arr) {
    *err = where + ": expected a string or an array of strings";
    return out;
  }
  for (auto& el : *arr) {
    if (auto s = el.value<std::string>())
      out.push_back(*s);
    else
      *err = where + ": expected strings only";
  }
  return out;
}

std::vector<int> statuses(const toml::node_view<const toml::node>& n, std::vector<int> dflt, const std::string& where,
                          std::string* err) {
  if (!n) return dflt;
  std::vector<int> out;
  auto arr = n.as_array();
  if (!arr) {
    *err = where + ": expected an array of HTTP statuses";
    return out;
  }
  for (auto& el : *arr) {
    auto v = el.value<int64_t>();
    if (!v || *v < 100 || *v > 599) *err = where + ": expected HTTP statuses (100-599)";
    else out.push_back(static_cast<int>(*v));
  }
  return out;
}

// [rules.verify] / [rules.revoke]. Only the shape is checked here; src/verify/ refuses
// anything but https:// when it sends.
HttpCheck parse_check(const toml::node_view<const toml::node>& n, const std::string& where, std::string* err) {
  HttpCheck c;
  if (!n) return c;
  if (!n.as_table()) {
    *err = where + ": must be a table";
    return c;
  }
  static const char* known[] = {"kind", "method", "url", "headers", "body", "basic_auth", "live", "invalid",
                                "live_if", "reason_field", "identity", "pair_group", "region", "service", "note", "accepted"};
  for (auto& [key, node] : *n.as_table()) {
    (void)node;
    bool ok = false;
    for (auto k : known) ok = ok || key.str() == k;
    if (!ok) *err = fmt::format("{}: unknown key '{}'", where, key.str());
  }
  c.kind = n["kind"].value_or(std::string("http"));
  c.method = n["method"].value_or(std::string("GET"));
  c.url = n["url"].value_or(std::string());
  c.headers = strings(n["headers"], where + ".headers", err);
  c.body = n["body"].value_or(std::string());
  c.basic_auth = n["basic_auth"].value_or(std::string());
  c.live = statuses(n["live"], {200}, where + ".live", err);
  c.invalid = statuses(n["invalid"], {401}, where + ".invalid", err);
  if (n["accepted"]) c.live = statuses(n["accepted"], {}, where + ".accepted", err);  // [rules.revoke]
  c.live_if = n["live_if"].value_or(std::string());
  c.reason_field = n["reason_field"].value_or(std::string());
  c.identity = strings(n["identity"], where + ".identity", err);
  c.pair_group = static_cast<int>(n["pair_group"].value_or(int64_t{0}));
  c.region = n["region"].value_or(std::string());
  c.service = n["service"].value_or(std::string());
  c.note = n["note"].value_or(std::string());
  if (c.kind != "http" && c.kind != "aws-sigv4" && c.kind != "offline")
    *err = where + ": kind must be \"http\", \"aws-sigv4\" or \"offline\"";
  else if (c.kind != "offline" && c.url.rfind("https://", 0) != 0)
    *err = where + ": url must start with https:// (a secret is only ever sent over TLS)";
  else if (c.kind == "aws-sigv4" && (c.region.empty() || c.service.empty() || c.pair_group <= 0))
    *err = where + ": aws-sigv4 needs region, service and pair_group";
  for (auto& id : c.identity)
    if (id.find('=') == std::string::npos) *err = where + ".identity: entries are \"label=source\"";
  return c;
}

}  // namespace

Status RuleSet::parse_file(const std::string& text, const std::string& origin,
                           std::vector<Rule>& out) {
  auto parsed = parse_toml(text, origin);
  if (!parsed) return Error{parsed.error()};
  toml::table& doc = *parsed;
  std::string provider = doc["provider"].value_or(std::string());
  auto rules = doc["rules"].as_array();
  if (!rules) return Error{fmt::format("{}: no [[rules]] array", origin)};
  for (auto& node : *rules) {
    auto t = node.as_table();
    if (!t) return Error{fmt::format("{}: every [[rules]] entry must be a table", origin)};
    toml::node_view<const toml::node> v{static_cast<const toml::node*>(t)};
    Rule r;
    r.origin = origin;
    auto line = t->source().begin.line;
    auto where = [&](const char* field) { return fmt::format("{}:{}: rule {}: {}", origin, line, r.id, field); };
    r.id = v["id"].value_or(std::string());
    r.description = v["description"].value_or(std::string());
    r.provider = v["provider"].value_or(provider);
    r.regex = v["regex"].value_or(std::string());
    r.secret_group = static_cast<int>(v["secret_group"].value_or(int64_t{1}));
    r.min_entropy = v["min_entropy"].value_or(0.0);
    if (auto i = v["min_entropy"].value<int64_t>()) r.min_entropy = static_cast<double>(*i);
    r.validator = v["validator"].value_or(std::string());
    r.advice = v["advice"].value_or(std::string());
    r.severity = v["severity"].value_or(std::string("high"));
    r.max_length = static_cast<size_t>(v["max_length"].value_or(int64_t{1024}));
    r.check_placeholders = v["check_placeholders"].value_or(true);
    std::string err;
    r.keywords = strings(v["keywords"], where("keywords"), &err);
    r.references = strings(v["references"], where("references"), &err);
    r.positive = strings(v["examples"]["positive"], where("examples.positive"), &err);
    r.negative = strings(v["examples"]["negative"], where("examples.negative"), &err);
    r.verify = parse_check(v["verify"], where("verify"), &err);
    r.revoke = parse_check(v["revoke"], where("revoke"), &err);
    r.context = strings(v["context"], where("context"), &err);
    r.secret = v["secret"].value_or(std::string());
    r.name_allow = strings(v["name_allow"], where("name_allow"), &err);
    for (auto& w : r.name_allow)
      for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.context_line = v["context_line"].value_or(true);
    if (!err.empty()) return Error{err};
    if (!is_kebab(r.id))
      return Error{fmt::format("{}:{}: the rule id must be kebab-case (a-z, 0-9, -); it is a {}-character value, "
                               "not shown in case a secret was pasted there",
                               origin, line, r.id.size())};
    if (r.keyed()) {
      if (auto e = expand_keyed_rule(r)) return e;
    } else if (!r.secret.empty()) {
      return Error{where("`secret` needs a `context` (the names it is assigned to)")};
    }
    if (r.regex.empty()) return Error{where("missing regex (or context + secret)")};
    if (r.description.empty()) return Error{where("missing description")};
    out.push_back(std::move(r));
  }
  return std::nullopt;
}

Result<RuleSet> RuleSet::load_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return Error{fmt::format("rules directory '{}' does not exist (set KEYWARD_RULES or --rules, "
                             "or reinstall keyward)", dir)};
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".toml") files.push_back(it->path().string());
  }
  if (ec) return Error{fmt::format("cannot read rules directory '{}': {}", dir, ec.message())};
  std::sort(files.begin(), files.end());
  RuleSet set;
  for (auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in) return Error{fmt::format("cannot read rule file '{}'", f)};
    std::vector<Rule> rules;
    if (auto e = parse_file(ss.str(), f, rules)) return *e;
    for (auto& r : rules)
      if (auto e = set.add(std::move(r))) return *e;
  }
  if (set.size() == 0) return Error{fmt::format("no rules found in '{}'", dir)};
  return set;
}

Status RuleSet::add(Rule rule) {
  if (rule.secret_group < 0) return Error{fmt::format("{}: rule {}: secret_group must be >= 0", rule.origin, rule.id)};
  Impl& m = *impl_;
  m.ensure_index();
  if (m.index.count(rule.id))
    return Error{fmt::format("{}: duplicate rule id '{}' (ids must be unique)", rule.origin, rule.id)};
  m.rules.push_back(std::move(rule));
  m.push(&m.rules.back());
  m.index.emplace(m.entries.back().id, m.entries.size() - 1);
  return std::nullopt;
}

Status RuleSet::add_all(std::vector<Rule> rules) {
  for (auto& r : rules)
    if (auto e = add(std::move(r))) return e;
  return std::nullopt;
}

Status RuleSet::add_cached(std::string_view rules_part, std::vector<CachedRuleRef> refs,
                           std::shared_ptr<const void> keep) {
  Impl& m = *impl_;
  if (!m.entries.empty()) return Error{"cached rules go into an empty rule set"};
  m.cached = rules_part;
  m.keep = std::move(keep);
  m.indexed = false;
  for (size_t i = 0; i < refs.size(); ++i) {
    Entry& e = m.push(nullptr);
    e.ref = refs[i];
    e.id = refs[i].id;
    e.validator = refs[i].validator;
    if (refs[i].secret_group < 0) {
      const Rule& r = (*this)[i];
      return Error{fmt::format("{}: rule {}: secret_group must be >= 0", r.origin, r.id)};
    }
  }
  return std::nullopt;
}

void RuleSet::reserve(size_t n) { impl_->index.reserve(n); }

size_t RuleSet::size() const { return impl_ ? impl_->entries.size() : 0; }

const Rule& RuleSet::operator[](size_t i) const {
  Entry& e = impl_->entries[i];
  if (const Rule* r = e.rule.load(std::memory_order_acquire)) return *r;
  std::lock_guard<std::mutex> lock(impl_->decode_mutex);
  if (const Rule* r = e.rule.load(std::memory_order_relaxed)) return *r;
  Rule& r = impl_->rules.emplace_back();
  // index_rule_cache walked this rule when the cache was read, so it decodes whole.
  decode_cached_rule(impl_->cached, e.ref, r);
  e.rule.store(&r, std::memory_order_release);
  return r;
}

std::string_view RuleSet::id(size_t i) const { return impl_->entries[i].id; }
std::string_view RuleSet::validator(size_t i) const { return impl_->entries[i].validator; }
bool RuleSet::decoded(size_t i) const { return impl_->entries[i].rule.load(std::memory_order_acquire) != nullptr; }

void RuleSet::disable(const std::vector<std::string>& ids) {
  if (ids.empty()) return;  // the common case: nothing to move
  std::set<std::string_view> off(ids.begin(), ids.end());
  Impl& m = *impl_;
  // Entries cannot move: the kept ones are rebuilt (before any scan, so no confirmer has
  // been compiled yet; one that had would be compiled again when needed).
  std::deque<Entry> kept;
  for (Entry& e : m.entries) {
    if (off.count(e.id)) continue;
    Entry& k = kept.emplace_back();
    k.rule.store(e.rule.load(std::memory_order_relaxed), std::memory_order_relaxed);
    k.id = e.id;
    k.validator = e.validator;
    k.ref = e.ref;
  }
  m.entries.swap(kept);
  m.index.clear();
  m.indexed = false;
}

const Rule* RuleSet::find(std::string_view id) const {
  size_t i = 0;
  {
    std::lock_guard<std::mutex> lock(impl_->index_mutex);
    impl_->ensure_index();
    auto it = impl_->index.find(id);
    if (it == impl_->index.end()) return nullptr;
    i = it->second;
  }
  return &(*this)[i];
}

const Vocabulary& RuleSet::vocabulary() const {
  LazyVocabulary& l = *vocabulary_;
  std::call_once(l.once, [&l] {
    // Checked when the cache was read (vocabulary_well_formed), so this cannot fail; were
    // it to, the filters would drop less, never a secret more.
    if (!l.bytes.empty()) deserialize_vocabulary(l.bytes, l.v);
    l.keep.reset();
    l.bytes = {};
    l.decoded = true;
  });
  return l.v;
}

void RuleSet::set_vocabulary(Vocabulary v) {
  vocabulary_ = std::make_shared<LazyVocabulary>();
  vocabulary_->v = std::move(v);
}

void RuleSet::set_vocabulary_bytes(std::string_view bytes, std::shared_ptr<const void> keep) {
  vocabulary_ = std::make_shared<LazyVocabulary>();
  vocabulary_->bytes = bytes;
  vocabulary_->keep = std::move(keep);
}

bool RuleSet::vocabulary_decoded() const { return vocabulary_->decoded; }

const re2::RE2* RuleSet::confirmer(size_t i, std::string* error) const {
  Entry& l = impl_->entries[i];
  std::call_once(l.confirm_once, [&] {
    const Rule& rule = (*this)[i];
    re2::RE2::Options opt;
    opt.set_encoding(re2::RE2::Options::EncodingLatin1);  // bytes are bytes, like Hyperscan
    opt.set_log_errors(false);
    opt.set_max_mem(64 << 20);
    // Hyperscan compiles with HS_FLAG_MULTILINE; (?m) gives RE2 the same ^ and $.
    l.re = std::make_unique<re2::RE2>("(?m)" + rule.regex, opt);
    if (!l.re->ok()) {
      l.error = l.re->error();
      l.re.reset();
    } else if (l.re->NumberOfCapturingGroups() < rule.verify.pair_group) {
      l.error = fmt::format("verify.pair_group {} but the regex has {} capture groups", rule.verify.pair_group,
                            l.re->NumberOfCapturingGroups());
      l.re.reset();
    } else if (l.re->NumberOfCapturingGroups() < rule.secret_group) {
      l.error = fmt::format("secret_group {} but the regex has {} capture groups", rule.secret_group,
                            l.re->NumberOfCapturingGroups());
      l.re.reset();
    }
  });
  if (!l.re && error) *error = l.error;
  return l.re.get();
}

std::string default_rules_dir() {
  // Relative to the executable, so an install moves as a whole: PREFIX/bin/keyward reads
  // PREFIX/share/keyward/patterns (the build tree mirrors that layout).
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  std::string exe_dir = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  exe_dir = exe_dir.substr(0, exe_dir.find_last_of('/') == std::string::npos ? 0 : exe_dir.find_last_of('/'));
  struct stat st;
  for (const char* rel : {"/../share/keyward/patterns", "/share/keyward/patterns"}) {
    std::string candidate = exe_dir + rel;
    if (!exe_dir.empty() && stat(candidate.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return candidate;
  }
  return exe_dir + "/../share/keyward/patterns";
}

}  // namespace keyward
