#include "rule_cache.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>
#include <filesystem>

#include <fmt/format.h>

#include "sha256.h"

namespace keyward {
namespace {

constexpr char kMagic[] = "KWRULES6";  // 3: cache files end in a checksum; 4: verify/revoke; 5: keyed rules; 6: + vocabulary
constexpr char kVocabularyMagic[] = "KWVOCAB1";

void put_u32(std::string& out, uint32_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put_str(std::string& out, const std::string& s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out += s;
}
void put_list(std::string& out, const std::vector<std::string>& v) {
  put_u32(out, static_cast<uint32_t>(v.size()));
  for (auto& s : v) put_str(out, s);
}

void put_ints(std::string& out, const std::vector<int>& v) {
  put_u32(out, static_cast<uint32_t>(v.size()));
  for (int i : v) put_u32(out, static_cast<uint32_t>(i));
}
void put_check(std::string& out, const HttpCheck& c) {
  for (auto* s : {&c.kind, &c.method, &c.url, &c.body, &c.basic_auth, &c.live_if, &c.reason_field, &c.region,
                  &c.service, &c.note})
    put_str(out, *s);
  put_list(out, c.headers);
  put_list(out, c.identity);
  put_ints(out, c.live);
  put_ints(out, c.invalid);
  put_u32(out, static_cast<uint32_t>(c.pair_group));
}

struct Reader {
  std::string_view b;
  size_t pos = 0;
  bool ok = true;
  uint32_t u32() {
    uint32_t v = 0;
    if (pos + sizeof v > b.size()) { ok = false; return 0; }
    std::memcpy(&v, b.data() + pos, sizeof v);
    pos += sizeof v;
    return v;
  }
  std::string str() {
    uint32_t n = u32();
    if (!ok || pos + n > b.size()) { ok = false; return {}; }
    std::string s(b.substr(pos, n));
    pos += n;
    return s;
  }
  // A string in place (the bytes outlive the view).
  std::string_view view() {
    uint32_t n = u32();
    if (!ok || n > b.size() - pos) { ok = false; return {}; }
    std::string_view s = b.substr(pos, n);
    pos += n;
    return s;
  }
  // Steps over what ints() reads (at most 1000 values, as it does).
  void skip_ints() {
    uint32_t n = u32();
    size_t k = std::min<uint32_t>(n, 1000);
    if (!ok || k > (b.size() - pos) / sizeof(uint32_t)) { ok = false; return; }
    pos += k * sizeof(uint32_t);
  }
  void skip_check() {
    for (int i = 0; i < 10; ++i) view();
    skip_list();
    skip_list();
    skip_ints();
    skip_ints();
    u32();
  }
  // Steps over a string list without building it.
  void skip_list() {
    uint32_t n = u32();
    for (uint32_t i = 0; ok && i < n; ++i) {
      uint32_t len = u32();
      if (!ok || len > b.size() - pos) ok = false;
      else pos += len;
    }
  }
  std::vector<std::string> list() {
    uint32_t n = u32();
    std::vector<std::string> v;
    for (uint32_t i = 0; ok && i < n; ++i) v.push_back(str());
    return v;
  }
  std::vector<int> ints() {
    uint32_t n = u32();
    std::vector<int> v;
    for (uint32_t i = 0; ok && i < n && i < 1000; ++i) v.push_back(static_cast<int>(u32()));
    return v;
  }
  // Decodes into c in place: a default HttpCheck's status lists are reused, not
  // allocated again and freed (the cached rules are decoded on every start).
  void check(HttpCheck& c) {
    for (auto* s : {&c.kind, &c.method, &c.url, &c.body, &c.basic_auth, &c.live_if, &c.reason_field, &c.region,
                    &c.service, &c.note})
      into(*s);
    c.headers = list();
    c.identity = list();
    ints_into(c.live);
    ints_into(c.invalid);
    c.pair_group = static_cast<int>(u32());
  }
  void into(std::string& s) {
    uint32_t n = u32();
    if (!ok || n > b.size() - pos) { ok = false; return; }
    s.assign(b.data() + pos, n);
    pos += n;
  }
  void ints_into(std::vector<int>& v) {
    uint32_t n = u32();
    v.clear();
    for (uint32_t i = 0; ok && i < n && i < 1000; ++i) v.push_back(static_cast<int>(u32()));
  }
};

}  // namespace

std::string vocabulary_stamp(const std::string& dir) {
  std::string out;
  for (const char* name : kVocabularyFiles) {
    struct stat st;
    std::string path = dir + "/" + name;
    if (::stat(path.c_str(), &st) != 0) out += fmt::format("{}\tabsent\n", name);
    else
      out += fmt::format("{}\t{}\t{}\t{}.{}\n", name, st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  }
  return out;
}

Result<std::string> rules_dir_stamp(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> entries;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->path().extension() != ".toml") continue;
    struct stat st;
    if (::stat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    entries.push_back(fmt::format("{}\t{}\t{}.{}", it->path().string(), st.st_size, st.st_mtim.tv_sec,
                                  st.st_mtim.tv_nsec));
  }
  if (ec) return Error{fmt::format("cannot read rules directory '{}': {}", dir, ec.message())};
  std::sort(entries.begin(), entries.end());
  Sha256 h;
  h.update(KEYWARD_VERSION);
  h.update(kMagic);
  for (auto& e : entries) {
    h.update(e);
    h.update("\n");
  }
  auto d = h.finish();
  return to_hex(d.data(), 16);
}

std::string serialize_rules(const std::vector<Rule>& rules) {
  std::string out(kMagic, sizeof kMagic - 1);
  put_u32(out, static_cast<uint32_t>(rules.size()));
  for (auto& r : rules) {
    put_str(out, r.id);
    put_str(out, r.description);
    put_str(out, r.provider);
    put_str(out, r.regex);
    put_u32(out, static_cast<uint32_t>(r.secret_group));
    put_list(out, r.keywords);
    put_str(out, fmt::format("{:.17g}", r.min_entropy));
    put_str(out, r.validator);
    put_list(out, r.references);
    put_str(out, r.advice);
    put_u32(out, static_cast<uint32_t>(r.max_length));
    put_u32(out, r.check_placeholders ? 1 : 0);
    put_str(out, r.severity);
    put_str(out, r.origin);
    put_check(out, r.verify);
    put_check(out, r.revoke);
    put_list(out, r.context);
    put_str(out, r.secret);
    put_list(out, r.name_allow);
    put_u32(out, r.context_line ? 1 : 0);
    put_str(out, r.hs_regex);
  }
  put_str(out, "end");
  return out;
}

namespace {

// Walks the rules serialization at the start of bytes, field by field as decode_one reads
// them, allocating nothing but refs; its length in *end.
bool walk_rules(std::string_view bytes, std::vector<CachedRuleRef>& refs, size_t* end) {
  if (bytes.compare(0, sizeof kMagic - 1, kMagic) != 0) return false;
  Reader in{bytes, sizeof kMagic - 1};
  uint32_t n = in.u32();
  if (!in.ok || n > 1000000) return false;
  refs.clear();
  refs.reserve(n);
  for (uint32_t i = 0; i < n && in.ok; ++i) {
    CachedRuleRef& ref = refs.emplace_back();
    ref.offset = static_cast<uint32_t>(in.pos);
    ref.id = in.view();
    in.view();  // description
    in.view();  // provider
    in.view();  // regex
    ref.secret_group = static_cast<int>(in.u32());
    in.skip_list();  // keywords
    in.view();       // min_entropy
    ref.validator = in.view();
    in.skip_list();  // references
    in.view();       // advice
    in.u32();        // max_length
    in.u32();        // check_placeholders
    in.view();       // severity
    in.view();       // origin
    in.skip_check();  // verify
    in.skip_check();  // revoke
    in.skip_list();   // context
    in.view();        // secret
    in.skip_list();   // name_allow
    in.u32();         // context_line
    in.view();        // hs_regex
  }
  if (!in.ok || in.view() != "end") return false;
  *end = in.pos;
  return true;
}

// Decodes one rule that walk_rules found well formed at offset.
bool decode_one(std::string_view bytes, uint32_t offset, Rule& r) {
  Reader in{bytes, offset};
  in.into(r.id);
  in.into(r.description);
  in.into(r.provider);
  in.into(r.regex);
  r.secret_group = static_cast<int>(in.u32());
  r.keywords = in.list();
  r.min_entropy = std::strtod(in.str().c_str(), nullptr);
  in.into(r.validator);
  r.references = in.list();
  in.into(r.advice);
  r.max_length = in.u32();
  r.check_placeholders = in.u32() != 0;
  in.into(r.severity);
  in.into(r.origin);
  in.check(r.verify);
  in.check(r.revoke);
  r.context = in.list();
  in.into(r.secret);
  r.name_allow = in.list();
  r.context_line = in.u32() != 0;
  in.into(r.hs_regex);
  return in.ok;
}

// Decodes the rules serialization at the start of bytes; its length in *end.
bool decode_rules(std::string_view bytes, std::vector<Rule>& out, size_t* end) {
  std::vector<CachedRuleRef> refs;
  if (!walk_rules(bytes, refs, end)) return false;
  std::vector<Rule> rules(refs.size());
  for (size_t i = 0; i < refs.size(); ++i)
    if (!decode_one(bytes, refs[i].offset, rules[i])) return false;
  out = std::move(rules);
  return true;
}

// The vocabulary's lists in their serialized order (V: Vocabulary or const Vocabulary).
constexpr size_t kVocabularyLists = 5;
template <typename V>
std::array<decltype(&std::declval<V&>().words), kVocabularyLists> vocabulary_lists(V& v) {
  return {&v.words, &v.word_exempt_rules, &v.example_values, &v.example_secret_patterns, &v.example_after_patterns};
}

}  // namespace

bool deserialize_rules(std::string_view bytes, std::vector<Rule>& out) {
  std::vector<Rule> rules;
  size_t end = 0;
  if (!decode_rules(bytes, rules, &end) || end != bytes.size()) return false;
  out = std::move(rules);
  return true;
}

std::string serialize_vocabulary(const Vocabulary& v) {
  std::string out(kVocabularyMagic, sizeof kVocabularyMagic - 1);
  for (auto* list : vocabulary_lists(v)) put_list(out, *list);
  put_str(out, "end");
  return out;
}

bool vocabulary_well_formed(std::string_view bytes) {
  if (bytes.compare(0, sizeof kVocabularyMagic - 1, kVocabularyMagic) != 0) return false;
  Reader in{bytes, sizeof kVocabularyMagic - 1};
  for (size_t i = 0; i < kVocabularyLists && in.ok; ++i) in.skip_list();
  return in.ok && in.str() == "end" && in.pos == bytes.size();
}

bool deserialize_vocabulary(std::string_view bytes, Vocabulary& out) {
  if (!vocabulary_well_formed(bytes)) return false;
  Reader in{bytes, sizeof kVocabularyMagic - 1};
  Vocabulary v;
  for (auto* list : vocabulary_lists(v)) *list = in.list();
  out = std::move(v);
  return true;
}

std::string serialize_rule_cache(const std::vector<Rule>& rules, const Vocabulary& v) {
  return serialize_rules(rules) + serialize_vocabulary(v);
}

bool deserialize_rule_cache(std::string_view bytes, std::vector<Rule>& out, std::string_view* rules_part,
                            std::string_view* vocabulary) {
  std::vector<Rule> rules;
  size_t end = 0;
  if (!decode_rules(bytes, rules, &end)) return false;
  std::string_view rest = bytes.substr(end);
  if (!vocabulary_well_formed(rest)) return false;
  out = std::move(rules);
  *rules_part = bytes.substr(0, end);
  *vocabulary = rest;
  return true;
}

bool index_rule_cache(std::string_view bytes, std::vector<CachedRuleRef>& refs, std::string_view* rules_part,
                      std::string_view* vocabulary) {
  size_t end = 0;
  std::vector<CachedRuleRef> found;
  if (!walk_rules(bytes, found, &end)) return false;
  std::string_view rest = bytes.substr(end);
  if (!vocabulary_well_formed(rest)) return false;
  refs = std::move(found);
  *rules_part = bytes.substr(0, end);
  *vocabulary = rest;
  return true;
}

bool decode_cached_rule(std::string_view rules_part, const CachedRuleRef& ref, Rule& out) {
  return decode_one(rules_part, ref.offset, out);
}

}  // namespace keyward
