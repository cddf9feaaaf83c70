#include "scanner.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <optional>
#include <set>
#include <tuple>

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

// A finding is dropped when it overlaps a kept finding more specific than it. Judged rank
// by rank, most specific first, against the kept spans of the ranks above merged into
// disjoint runs sorted by start: one binary search per finding, not a pass over all pairs.
void drop_overlaps(const RuleSet& rules, std::vector<Finding>& out) {
  if (out.size() < 2) return;
  std::vector<int> rank(out.size());
  for (size_t i = 0; i < out.size(); ++i) rank[i] = specificity(rules, out[i].rule_id);
  std::vector<bool> drop(out.size(), false);
  std::vector<std::pair<size_t, size_t>> runs;  // disjoint, by start; ends ascend too
  auto overlaps_run = [&](const Finding& f) {
    // The last run starting before f ends has the largest end of those that could overlap.
    auto it = std::lower_bound(runs.begin(), runs.end(), std::make_pair(f.end_offset, size_t{0}));
    return it != runs.begin() && std::prev(it)->second > f.offset;
  };
  for (int r = 2; r >= 0; --r) {
    for (size_t i = 0; i < out.size(); ++i)
      if (rank[i] == r && overlaps_run(out[i])) drop[i] = true;
    for (size_t i = 0; i < out.size(); ++i)
      if (rank[i] == r && !drop[i]) runs.emplace_back(out[i].offset, out[i].end_offset);
    std::sort(runs.begin(), runs.end());
    std::vector<std::pair<size_t, size_t>> merged;
    for (auto& run : runs) {
      if (!merged.empty() && run.first < merged.back().second)
        merged.back().second = std::max(merged.back().second, run.second);
      else
        merged.push_back(run);
    }
    runs = std::move(merged);
  }
  std::vector<Finding> kept;
  for (size_t i = 0; i < out.size(); ++i)
    if (!drop[i]) kept.push_back(std::move(out[i]));
  out = std::move(kept);
}

}  // namespace

Scanner::Scanner(const Matcher& matcher, const Config& config)
    : matcher_(matcher), config_(config), policy_(config, matcher.rules()) {}
Scanner::~Scanner() = default;

namespace {

// A line ends at '\n', at "\r\n" (one end), or at a '\r' alone (classic Mac OS, some
// exporters): the same line ends git's added-line check counts.
bool line_end_at(std::string_view data, size_t i) {
  return data[i] == '\n' || (data[i] == '\r' && (i + 1 == data.size() || data[i + 1] != '\n'));
}

// A UTF-8 BOM is not text a person sees: line 1 begins after it.
size_t text_begin(std::string_view data) { return data.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0; }

}  // namespace

std::string_view line_at(std::string_view data, size_t offset, size_t* line_begin) {
  offset = std::min(offset, data.size());
  size_t b = offset;
  while (b > 0 && data[b - 1] != '\n' && data[b - 1] != '\r') --b;
  if (b == 0) b = std::min(text_begin(data), offset);
  size_t e = offset;
  while (e < data.size() && data[e] != '\n' && data[e] != '\r') ++e;
  if (line_begin) *line_begin = b;
  return data.substr(b, e - b);
}

void locate(std::string_view data, std::vector<Finding>& findings, std::vector<std::pair<size_t, size_t>> masks) {
  std::sort(findings.begin(), findings.end(),
            [](const Finding& a, const Finding& b) { return std::tie(a.offset, a.rule_id) < std::tie(b.offset, b.rule_id); });
  // Spans to mask in excerpts, by start; the longest bounds how far back one can start and
  // still reach into an excerpt.
  std::sort(masks.begin(), masks.end());
  masks.erase(std::unique(masks.begin(), masks.end()), masks.end());
  size_t longest = 0;
  for (auto& [b, e] : masks) longest = std::max(longest, e > b ? e - b : 0);
  // Every other secret's text, to mask where it recurs in an excerpt though no rule matched
  // it there (a password repeated without its keyword). Bounded: a blob with thousands of
  // findings is masked by spans alone.
  std::vector<std::string_view> secrets;
  for (auto& f : findings)
    if (f.secret.size() >= 8 && secrets.size() < 64 &&
        std::find(secrets.begin(), secrets.end(), f.secret) == secrets.end())
      secrets.push_back(f.secret);
  // One forward pass counting line ends: linear however many findings there are.
  size_t pos = 0;
  uint32_t line = 1;
  auto advance_to = [&](size_t target) {
    for (; pos < target; ++pos)
      if (line_end_at(data, pos)) ++line;
  };
  for (auto& f : findings) {
    // Offsets past the text (a view cut short by its budget) are clamped, never read past.
    f.offset = std::min(f.offset, data.size());
    f.end_offset = std::min(std::max(f.end_offset, f.offset), data.size());
    advance_to(f.offset);
    size_t lb = 0;
    std::string_view l = line_at(data, f.offset, &lb);
    f.line = line;
    f.column = static_cast<uint32_t>(f.offset - lb + 1);
    f.column_utf16 = static_cast<uint32_t>(utf16_units(data.substr(lb, f.offset - lb)) + 1);
    // End position: the secret may span lines (PEM keys).
    size_t end = f.end_offset;
    uint32_t end_line = line;
    size_t end_lb = lb;
    for (size_t i = f.offset; i < end; ++i)
      if (line_end_at(data, i)) { ++end_line; end_lb = i + 1; }
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
    size_t shift = cb > 0 ? 3 : 0;  // the leading ellipsis
    size_t wb = lb + cb, we = lb + ce;  // the excerpt's span in data
    f.context_masks.clear();
    auto add_mask = [&](size_t b, size_t e) {
      b = std::max(b, wb), e = std::min(e, we);
      if (b < e && !(b == f.offset && e == end)) f.context_masks.emplace_back(b - wb + shift, e - wb + shift);
    };
    auto first = std::lower_bound(masks.begin(), masks.end(), std::make_pair(wb > longest ? wb - longest : 0, size_t{0}));
    for (auto it = first; it != masks.end() && it->first < we; ++it) add_mask(it->first, it->second);
    for (std::string_view s : secrets)
      for (size_t at = f.context.find(s); at != std::string::npos; at = f.context.find(s, at + 1))
        add_mask(wb + at, wb + at + s.size());
    if (cb > 0) { f.context = "\xE2\x80\xA6" + f.context; f.context_secret_begin += 3; f.context_secret_end += 3; }
    if (ce < l.size()) f.context += "\xE2\x80\xA6";
  }
}

namespace {

// Findings the bytes matched in a blob that is otherwise wide text (an 8-bit line after
// UTF-16): the line is counted in the wide text up to where the finding's bytes stop
// reading as such, the column and excerpt in the bytes from there.
void locate_bytes_in_wide(const View& whole, std::string_view data, std::vector<Finding>& fs,
                          const std::vector<std::pair<size_t, size_t>>& masks) {
  std::vector<Finding> probes(fs.size());
  std::vector<size_t> begins(fs.size());
  for (size_t i = 0; i < fs.size(); ++i) {
    line_at(whole.text(), std::min(whole.from_orig(fs[i].offset), whole.text().size()), &begins[i]);
    probes[i].offset = probes[i].end_offset = begins[i];
    probes[i].path = std::to_string(i);  // locate() sorts; this finds each probe's finding
  }
  locate(whole.text(), probes);
  for (const Finding& p : probes) {
    Finding& f = fs[std::stoul(p.path)];
    size_t rb = std::min(whole.to_orig(p.offset, false), f.offset);
    std::vector<Finding> one{std::move(f)};
    one[0].offset -= rb, one[0].end_offset -= std::min(one[0].end_offset, rb);
    std::vector<std::pair<size_t, size_t>> shifted;
    for (auto& [b, e] : masks)
      if (e > rb) shifted.emplace_back(std::max(b, rb) - rb, e - rb);
    locate(data.substr(rb), one, std::move(shifted));
    f = std::move(one[0]);
    f.offset += rb, f.end_offset += rb;
    f.line += p.line - 1, f.end_line += p.line - 1;
  }
}

}  // namespace

// Inline allow markers (`keyward:allow` and the other scanners' spellings): each silences
// one finding on its line, the nearest before it (`x = "..."  # keyward:allow`) or, with
// none before it, the nearest after it, so a marker inside one value of a minified line
// cannot silence every other secret on it. A match spanning lines (a PEM key) counts on
// each line it touches. Only the lines that hold findings are searched. detect-secrets'
// `pragma: allowlist nextline secret` on the line before a finding's first line silences
// every finding starting on that line, as detect-secrets does.
void Scanner::apply_allow_markers(std::string_view data, std::vector<Finding>& out,
                                  const std::vector<std::pair<size_t, size_t>>& spans) const {
  if (out.empty()) return;
  std::set<size_t> markers;  // blob offsets
  std::set<size_t> lines_seen;
  std::vector<bool> silenced(out.size(), false);
  for (size_t i = 0; i < spans.size(); ++i) {
    auto [mb, me] = spans[i];
    for (size_t at = mb;;) {
      size_t lb = 0;
      std::string_view line = line_at(data, at, &lb);
      if (lines_seen.insert(lb).second)
        for (size_t p : policy_.allow_marker_positions(line)) markers.insert(lb + p);
      size_t next = data.find('\n', at);
      if (next == std::string_view::npos || next + 1 >= me) break;
      at = next + 1;
    }
    // The line before the one the secret starts on.
    size_t lb = 0;
    line_at(data, out[i].offset, &lb);
    if (lb > 0) {
      size_t prev_end = lb - 1;  // where the previous line ends: its '\n' (or lone '\r')
      if (prev_end > 0 && data[prev_end] == '\n' && data[prev_end - 1] == '\r') --prev_end;
      if (policy_.allows_next_line(line_at(data, prev_end))) silenced[i] = true;
    }
  }
  if (markers.empty() && std::find(silenced.begin(), silenced.end(), true) == silenced.end()) return;
  for (size_t p : markers) {
    size_t lb = 0;
    std::string_view line = line_at(data, p, &lb);
    size_t le = lb + line.size();
    std::optional<size_t> before, after;
    for (size_t i = 0; i < out.size(); ++i) {
      auto [mb, me] = spans[i];
      if (me < lb || mb > le) continue;  // not on this line
      if (mb < p) {
        if (!before || mb > spans[*before].first) before = i;
      } else if (!after || mb < spans[*after].first) {
        after = i;
      }
    }
    std::optional<size_t> chosen = before ? before : after;
    if (!chosen) continue;
    // The same secret found by two rules (a provider's and the generic one) is one finding.
    for (size_t i = 0; i < out.size(); ++i)
      if (out[i].offset < out[*chosen].end_offset && out[*chosen].offset < out[i].end_offset) silenced[i] = true;
  }
  size_t k = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if (silenced[i]) continue;
    if (k != i) out[k] = std::move(out[i]);  // never onto itself: a self-move empties it
    ++k;
  }
  out.resize(k);
}

// A bug on some input (an exception) fails this blob, by name, instead of the process.
Result<std::vector<Finding>> Scanner::scan(std::string_view path, std::string_view data, MatchScratch& scratch,
                                           BlobFacts* facts_out, bool apply_path_policy,
                                           std::string_view policy_path) const try {
  if (policy_path.empty()) policy_path = path;
  BlobFacts local;
  BlobFacts& facts = facts_out ? *facts_out : local;
  std::vector<View> views = decode_blob(path, data, facts);
  if (!facts.incomplete.empty()) return Error{facts.incomplete};  // never a partial pass
  const RuleSet& rules = matcher_.rules();
  std::vector<Finding> out;
  // Every candidate's secret span in the blob, reported or not: excerpts mask them all.
  std::vector<std::pair<size_t, size_t>> candidates;
  std::set<std::tuple<uint32_t, size_t, size_t>> seen;
  std::vector<RawMatch> matches;
  std::vector<std::pair<size_t, size_t>> match_spans;  // per finding in out: its whole match
  for (const View& v : views) {
    matches.clear();
    if (auto e = matcher_.scan(v.text(), scratch, matches)) return *e;
    for (const RawMatch& m : matches) {
      size_t ob = v.to_orig(m.secret_begin, false), oe = v.to_orig(m.secret_end, true);
      bool skipped = false;
      for (auto& [sb, se] : facts.skip)
        if (ob >= sb && ob < se) skipped = true;
      if (skipped) continue;
      if (!seen.insert({m.rule, ob, oe}).second) continue;
      candidates.emplace_back(ob, oe);
      const Rule& rule = rules[m.rule];
      std::string_view secret = v.text().substr(m.secret_begin, m.secret_end - m.secret_begin);
      std::string validation;
      // Policy order (policy.h): the secret, then (unless judged per place by the caller)
      // the rule's path allowlists, then the inline comment, then the fingerprint.
      // What follows the secret on its line, for example markers (`pass@example.com`).
      std::string_view after = v.text().substr(m.secret_end, 256);
      after = after.substr(0, std::min(after.find('\n'), after.size()));
      if (!policy_.keep_secret(m.rule, secret, &validation, after)) continue;
      if (apply_path_policy && policy_.rule_allowed_at(rule.id, policy_path)) continue;
      // Inline allow markers are applied below, once every finding of the blob is known.
      size_t mb = v.to_orig(m.begin, false), me = v.to_orig(m.end, true);
      Finding f;
      f.rule_id = rule.id;
      f.severity = policy_.severity(m.rule);
      f.description = rule.description;
      f.advice = rule.advice;
      f.path = std::string(path);
      f.secret = std::string(secret);
      if (m.pair_end > m.pair_begin) f.pair = std::string(v.text().substr(m.pair_begin, m.pair_end - m.pair_begin));
      f.offset = ob;
      f.end_offset = oe;
      f.fingerprint = policy_.fingerprints()(rule.id, secret);
      f.fingerprint_forms = policy_.fingerprints().other_forms(rule.id, secret);
      f.decoded = v.decoded;
      f.validation = validation;
      if (policy_.fingerprint_allowed(f)) continue;
      out.push_back(std::move(f));
      match_spans.emplace_back(mb, std::max(me, mb));
    }
  }
  apply_allow_markers(data, out, match_spans);
  drop_overlaps(rules, out);
  // A blob that is text in another encoding (UTF-16) is located in its decoding, so lines,
  // columns and the excerpt read as the text a person sees.
  const View* whole = nullptr;
  for (const View& v : views)
    if (v.whole_text) whole = &v;
  // What the raw bytes matched is 8-bit text even there (a UTF-8 line after UTF-16).
  if (whole) {
    std::vector<Finding> in_bytes;
    for (auto& f : out)
      if (f.decoded.empty()) in_bytes.push_back(std::move(f));
    out.erase(std::remove_if(out.begin(), out.end(), [](const Finding& f) { return f.decoded.empty(); }), out.end());
    for (auto& f : out) f.offset = whole->from_orig(f.offset), f.end_offset = whole->from_orig(f.end_offset);
    std::vector<std::pair<size_t, size_t>> byte_masks = candidates;
    for (auto& [b, e] : candidates) b = whole->from_orig(b), e = whole->from_orig(e);
    locate(whole->text(), out, std::move(candidates));
    for (auto& f : out) f.offset = whole->to_orig(f.offset, false), f.end_offset = whole->to_orig(f.end_offset, true);
    locate_bytes_in_wide(*whole, data, in_bytes, byte_masks);
    for (auto& f : in_bytes) out.push_back(std::move(f));
    std::sort(out.begin(), out.end(),
              [](const Finding& a, const Finding& b) { return std::tie(a.offset, a.rule_id) < std::tie(b.offset, b.rule_id); });
  } else {
    locate(data, out, std::move(candidates));
  }
  for (auto& f : out) {
    for (auto& c : facts.cells) {
      if (f.offset < c.begin || f.offset >= c.end) continue;
      f.cell = c.cell;
      f.cell_output = c.output;
      f.cell_attachment = c.attachment;
      auto it = std::upper_bound(c.line_starts.begin(), c.line_starts.end(), f.offset);
      f.cell_line = static_cast<int>(it - c.line_starts.begin());
      if (f.cell_line == 0) f.cell_line = 1;
    }
  }
  // What a cell printed can hold no comment: an allow marker in the cell's source covers
  // that cell's outputs too (the source that printed a test token says it is one).
  std::set<int> allowed_cells;
  for (auto& c : facts.cells)
    if (!c.output && !c.attachment && c.begin < c.end && c.end <= data.size() &&
        !policy_.allow_marker_positions(data.substr(c.begin, c.end - c.begin)).empty())
      allowed_cells.insert(c.cell);
  if (!allowed_cells.empty())
    out.erase(std::remove_if(out.begin(), out.end(),
                             [&](const Finding& f) { return f.cell_output && allowed_cells.count(f.cell); }),
              out.end());
  return out;
} catch (const std::exception& e) {
  return Error{std::string("internal error while scanning (") + e.what() + ")"};
}

}  // namespace keyward
