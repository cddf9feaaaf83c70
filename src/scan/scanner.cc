#include "scanner.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <tuple>

#include "filters.h"
#include "fingerprint.h"
#include "glob.h"
#include "validators.h"

namespace keyward {
namespace {

constexpr size_t kContextRadius = 80;  // bytes of the line shown each side of a secret

size_t utf16_units(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + len > s.size()) len = 1;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) len = 1;
    n += len == 4 ? 2 : 1;
    i += len;
  }
  return n;
}

// One secret, one finding: when rules overlap on the same bytes (a provider rule and the
// generic detector, a service-account key and the PKCS#8 rule), keep the most specific.
// Provider rules outrank private-key and JWT rules, which outrank the generic detector.
int specificity(const RuleSet& rules, const std::string& id) {
  const Rule* r = rules.find(id);
  if (!r || r->provider == "Generic") return 0;
  if (r->provider == "Private keys" || r->provider == "JSON Web Token") return 1;
  return 2;
}

void drop_overlaps(const RuleSet& rules, std::vector<Finding>& out) {
  if (out.size() < 2) return;
  std::vector<int> rank(out.size());
  for (size_t i = 0; i < out.size(); ++i) rank[i] = specificity(rules, out[i].rule_id);
  std::vector<bool> drop(out.size(), false);
  for (size_t i = 0; i < out.size(); ++i)
    for (size_t j = 0; j < out.size(); ++j) {
      if (i == j || drop[i] || drop[j]) continue;
      bool overlap = out[i].offset < out[j].end_offset && out[j].offset < out[i].end_offset;
      if (!overlap) continue;
      if (rank[i] < rank[j]) drop[i] = true;
    }
  std::vector<Finding> kept;
  for (size_t i = 0; i < out.size(); ++i)
    if (!drop[i]) kept.push_back(std::move(out[i]));
  out = std::move(kept);
}

}  // namespace

Scanner::Scanner(const Matcher& matcher, const Config& config)
    : matcher_(matcher), config_(config), allow_(config) {
  re2::RE2::Options opt;
  opt.set_log_errors(false);
  opt.set_encoding(re2::RE2::Options::EncodingLatin1);
  for (auto& r : config.allow_regexes) {
    auto re = std::make_unique<re2::RE2>(r, opt);
    if (re->ok()) allow_regexes_.push_back(std::move(re));
  }
}
Scanner::~Scanner() = default;

bool Scanner::path_allowed(std::string_view path) const {
  for (auto& p : config_.allow_paths)
    if (glob_match_path(p, path)) return true;
  return false;
}

bool Scanner::keep(const Rule& rule, std::string_view path, std::string_view secret,
                   std::string* validation) const {
  double min_entropy = rule.min_entropy;
  if (auto it = config_.overrides.find(rule.id); it != config_.overrides.end()) {
    if (it->second.min_entropy >= 0) min_entropy = it->second.min_entropy;
    for (auto& p : it->second.allow_paths)
      if (glob_match_path(p, path)) return false;
  }
  if (allow_.allows(rule.id, path, secret)) return false;
  if (min_entropy > 0 && shannon_entropy(secret) < min_entropy) return false;
  for (auto& re : allow_regexes_)
    if (re2::RE2::PartialMatch(re2::StringPiece(secret.data(), secret.size()), *re)) return false;
  Validation v;
  if (!rule.validator.empty()) {
    v = validate(rule.validator, secret);
    if (v.validity == Validity::Invalid) return false;
    if (v.validity == Validity::Valid) *validation = v.kind;
  }
  // A valid checksum is proof the value was issued, whatever its random part spells
  // ("Fake", "xxxx", "abcdef" turn up in about one real token in 10^5); a valid structure
  // (a PEM's DER, a JWT's JSON) is not, so placeholders of those shapes are still dropped.
  bool checksummed = v.validity == Validity::Valid && v.kind == "checksum";
  if (!checksummed && rule.check_placeholders && looks_like_placeholder(secret)) return false;
  return true;
}

std::string_view line_at(std::string_view data, size_t offset, size_t* line_begin) {
  offset = std::min(offset, data.size());
  size_t b = offset;
  while (b > 0 && data[b - 1] != '\n') --b;
  size_t e = offset;
  while (e < data.size() && data[e] != '\n') ++e;
  if (e > b && data[e - 1] == '\r') --e;
  if (line_begin) *line_begin = b;
  return data.substr(b, e - b);
}

void locate(std::string_view data, std::vector<Finding>& findings) {
  std::sort(findings.begin(), findings.end(),
            [](const Finding& a, const Finding& b) { return std::tie(a.offset, a.rule_id) < std::tie(b.offset, b.rule_id); });
  // One forward pass counting newlines: linear however many findings there are.
  size_t pos = 0;
  uint32_t line = 1;
  auto advance_to = [&](size_t target) {
    while (pos < target) {
      const void* nl = std::memchr(data.data() + pos, '\n', target - pos);
      if (!nl) { pos = target; break; }
      pos = static_cast<size_t>(static_cast<const char*>(nl) - data.data()) + 1;
      ++line;
    }
  };
  for (auto& f : findings) {
    advance_to(f.offset);
    size_t lb = 0;
    std::string_view l = line_at(data, f.offset, &lb);
    f.line = line;
    f.column = static_cast<uint32_t>(f.offset - lb + 1);
    f.column_utf16 = static_cast<uint32_t>(utf16_units(data.substr(lb, f.offset - lb)) + 1);
    // End position: the secret may span lines (PEM keys).
    size_t end = std::max(f.end_offset, f.offset);
    uint32_t end_line = line;
    size_t end_lb = lb;
    for (size_t i = f.offset; i < end; ++i)
      if (data[i] == '\n') { ++end_line; end_lb = i + 1; }
    f.end_line = end_line;
    f.end_column = static_cast<uint32_t>(end - end_lb + 1);
    f.end_column_utf16 = static_cast<uint32_t>(utf16_units(data.substr(end_lb, end - end_lb)) + 1);
    // A bounded excerpt of the first line: a 20,000-character minified line shows a window.
    size_t sb = f.offset - lb;
    size_t se = std::min(l.size(), sb + (end - f.offset));
    size_t cb = sb > kContextRadius ? sb - kContextRadius : 0;
    size_t ce = std::min(l.size(), se + kContextRadius);
    f.context = std::string(l.substr(cb, ce - cb));
    f.context_secret_begin = sb - cb;
    f.context_secret_end = se - cb;
    if (cb > 0) { f.context = "\xE2\x80\xA6" + f.context; f.context_secret_begin += 3; f.context_secret_end += 3; }
    if (ce < l.size()) f.context += "\xE2\x80\xA6";
  }
}

Result<std::vector<Finding>> Scanner::scan(std::string_view path, std::string_view data, MatchScratch& scratch,
                                           BlobFacts* facts_out) const {
  BlobFacts local;
  BlobFacts& facts = facts_out ? *facts_out : local;
  std::vector<View> views = decode_blob(path, data, facts);
  if (!facts.incomplete.empty()) return Error{facts.incomplete};  // never a partial pass
  const RuleSet& rules = matcher_.rules();
  std::vector<Finding> out;
  std::set<std::tuple<uint32_t, size_t, size_t>> seen;
  std::vector<RawMatch> matches;
  for (const View& v : views) {
    matches.clear();
    if (auto e = matcher_.scan(v.text, scratch, matches)) return *e;
    for (const RawMatch& m : matches) {
      size_t ob = v.to_orig(m.secret_begin, false), oe = v.to_orig(m.secret_end, true);
      bool skipped = false;
      for (auto& [sb, se] : facts.skip)
        if (ob >= sb && ob < se) skipped = true;
      if (skipped) continue;
      if (!seen.insert({m.rule, ob, oe}).second) continue;
      const Rule& rule = rules[m.rule];
      std::string_view secret = v.text.substr(m.secret_begin, m.secret_end - m.secret_begin);
      std::string validation;
      if (!keep(rule, path, secret, &validation)) continue;
      // An inline allow comment on any line the match touches silences it.
      size_t mb = v.to_orig(m.begin, false), me = v.to_orig(m.end, true);
      bool allowed = false;
      for (size_t at = mb;;) {
        if (has_allow_comment(line_at(data, at))) { allowed = true; break; }
        size_t next = data.find('\n', at);
        if (next == std::string_view::npos || next + 1 >= me) break;
        at = next + 1;
      }
      if (allowed) continue;
      Finding f;
      f.rule_id = rule.id;
      f.description = rule.description;
      f.advice = rule.advice;
      f.path = std::string(path);
      f.secret = std::string(secret);
      f.offset = ob;
      f.end_offset = oe;
      f.fingerprint = fingerprint(rule.id, secret);
      f.decoded = v.decoded;
      f.validation = validation;
      bool fp_allowed = false;
      for (auto& a : config_.allow_fingerprints) fp_allowed |= (a == f.fingerprint);
      if (fp_allowed) continue;
      out.push_back(std::move(f));
    }
  }
  drop_overlaps(rules, out);
  // A blob that is text in another encoding (UTF-16) is located in its decoding, so lines,
  // columns and the excerpt read as the text a person sees.
  const View* whole = nullptr;
  for (const View& v : views)
    if (v.whole_text) whole = &v;
  if (whole) {
    for (auto& f : out) f.offset = whole->from_orig(f.offset), f.end_offset = whole->from_orig(f.end_offset);
    locate(whole->text, out);
    for (auto& f : out) f.offset = whole->to_orig(f.offset, false), f.end_offset = whole->to_orig(f.end_offset, true);
  } else {
    locate(data, out);
  }
  for (auto& f : out) {
    for (auto& c : facts.cells) {
      if (f.offset < c.begin || f.offset >= c.end) continue;
      f.cell = c.cell;
      f.cell_output = c.output;
      auto it = std::upper_bound(c.line_starts.begin(), c.line_starts.end(), f.offset);
      f.cell_line = static_cast<int>(it - c.line_starts.begin());
      if (f.cell_line == 0) f.cell_line = 1;
    }
  }
  return out;
}

}  // namespace keyward
