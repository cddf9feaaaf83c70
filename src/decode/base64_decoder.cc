#include "base64_decoder.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "base64.h"
#include "triggers.h"
#include "view_builder.h"

namespace keyward {
namespace {

// base64.h's alphabet (both), as a table here: this runs on every byte of every blob.
constexpr std::array<bool, 256> make_b64_table() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[static_cast<size_t>(c)] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                c == '+' || c == '/' || c == '-' || c == '_';
  return t;
}
constexpr std::array<bool, 256> kB64 = make_b64_table();

inline bool is_b64(char c) { return kB64[static_cast<unsigned char>(c)]; }

// The values base64.cc decodes the characters of kB64 to.
constexpr std::array<unsigned char, 256> make_b64_values() {
  std::array<unsigned char, 256> v{};
  for (int i = 0; i < 26; ++i) v[static_cast<size_t>('A' + i)] = static_cast<unsigned char>(i);
  for (int i = 0; i < 26; ++i) v[static_cast<size_t>('a' + i)] = static_cast<unsigned char>(26 + i);
  for (int i = 0; i < 10; ++i) v[static_cast<size_t>('0' + i)] = static_cast<unsigned char>(52 + i);
  v['+'] = v['-'] = 62;
  v['/'] = v['_'] = 63;
  return v;
}
constexpr std::array<unsigned char, 256> kB64Value = make_b64_values();

inline bool text_byte(unsigned c) { return (c >= 0x20 && c < 0x7F) || c == '\n' || c == '\r' || c == '\t'; }

// Text a person wrote: printable ASCII and whitespace, allowing a little else (UTF-8).
bool looks_like_text(std::string_view s) {
  size_t odd = 0;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (!((c >= 0x20 && c < 0x7F) || c == '\n' || c == '\r' || c == '\t')) ++odd;
  }
  return odd * 20 <= s.size();
}

bool in_skip(const SkipSpans& skip, size_t at) {
  auto it = std::upper_bound(skip.begin(), skip.end(), std::make_pair(at, static_cast<size_t>(-1)));
  return it != skip.begin() && at < std::prev(it)->second;
}

}  // namespace

bool is_base64_binary(std::string_view s, size_t min_chars) {
  std::string head, dec;
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (is_b64(c) && c != '-' && c != '_') {
      if (head.size() < 4096) head += c;
      ++chars;
    } else if (c == '\\' && i + 1 < s.size() && (s[i + 1] == 'n' || s[i + 1] == 'r')) {
      ++i;
    } else if (c != '=' && c != '\n' && c != '\r' && c != ' ') {
      return false;
    }
  }
  if (chars < std::max<size_t>(min_chars, 4)) return false;
  base64_decode(std::string_view(head).substr(0, head.size() & ~size_t(3)), dec, Base64Mode::Strict);
  return !looks_like_text(dec);
}

namespace {

// looks_like_text(base64_decode(chars)) for whole groups of base64 characters decoding to
// fewer than 20 bytes, where it allows no odd byte at all: decided group by group, stopping
// at the first odd byte (most runs in source text are identifiers, odd from the first).
bool short_prefix_is_text(std::string_view chars) {
  for (size_t g = 0; g + 4 <= chars.size(); g += 4) {
    unsigned v = 0;
    for (size_t k = 0; k < 4; ++k) v = v << 6 | kB64Value[static_cast<unsigned char>(chars[g + k])];
    if (!text_byte(v >> 16) || !text_byte((v >> 8) & 0xFF) || !text_byte(v & 0xFF)) return false;
  }
  return true;  // as looks_like_text("")
}

struct Seg {
  size_t b, e;  // src offsets of one line's base64 characters
};

// The lines after the run segs[0] that continue a wrapped block (`base64` and MIME wrap at
// 76 columns, PEM at 64): each holds only base64 after its indentation, all of the width W
// of the second line (the first may be shorter: it can start after a key) but the last,
// which may be shorter and padded. *end becomes the src offset after the block's padding.
void extend_block(std::string_view t, std::vector<Seg>& segs, size_t* end) {
  const size_t n = t.size();
  size_t width = 0;
  for (size_t at = segs.back().e;;) {
    size_t p = at;
    if (p < n && t[p] == '\r') ++p;
    if (p >= n || t[p] != '\n') return;
    ++p;
    while (p < n && (t[p] == ' ' || t[p] == '\t')) ++p;
    size_t q = p;
    while (q < n && is_b64(t[q])) ++q;
    size_t pe = q;
    while (pe < n && pe < q + 2 && t[pe] == '=') ++pe;
    size_t r = pe < n && t[pe] == '\r' ? pe + 1 : pe;
    if (q == p || (r < n && t[r] != '\n')) return;  // not a line of base64 alone
    size_t len = q - p, first = segs[0].e - segs[0].b;
    bool last = pe > q;
    if (width == 0) {
      width = std::max(len, first);
      if (len < first) last = true;
    } else if (len > width) {
      return;
    } else if (len < width) {
      last = true;
    }
    segs.push_back({p, q});
    *end = pe;
    if (last) return;
    at = q;
  }
}

// Maps the decoded bytes of [a, e) in src (whole groups, but for a last short group
// ending at e) to the blob: one piece when src maps those characters uniformly.
void map_run(const View& src, size_t a, size_t e, bool short_tail, std::string_view bytes, ViewBuilder& b) {
  if (src.map.empty()) {
    b.grouped(bytes, a, 3, 4, short_tail ? e : 0);
    return;
  }
  // The src piece holding a: uniform (a literal or UTF-16 run) through e - 1?
  size_t lo = 0, hi = src.map.size();
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (src.map[mid].view <= a) lo = mid; else hi = mid;
  }
  const OffsetPiece& p = src.map[lo];
  size_t piece_end = lo + 1 < src.map.size() ? src.map[lo + 1].view : src.text().size();
  if (p.exact && p.group == 1 && p.orig_end == p.orig && p.view <= a && e <= piece_end) {
    size_t o = p.orig + (a - p.view) * p.stride;
    b.grouped(bytes, o, 3, 4 * p.stride, short_tail ? p.orig + (e - p.view) * p.stride : 0);
    return;
  }
  // A decoding of a decoding: per group, coarser for long runs (their map would outweigh
  // the text).
  size_t per = (e - a) <= (4u << 10) ? 1 : 64;
  for (size_t k = 0, c = a; k < bytes.size(); k += 3 * per, c += 4 * per)
    b.decoded(bytes.substr(k, 3 * per), src.to_orig(c, false), src.to_orig(std::min(c + 4 * per, e), true));
}

// Maps a block's decoded bytes back through its lines: groups inside one line map
// exactly, a group split by a line break maps to the characters it spans.
void map_block(const View& src, const std::vector<Seg>& segs, size_t total, std::string_view dec, ViewBuilder& b) {
  size_t k = 0, cs = 0;  // segs[k] holds block characters [cs, cs + its length)
  for (size_t g = 0; 3 * g < dec.size();) {
    size_t c0 = 4 * g;
    while (c0 >= cs + (segs[k].e - segs[k].b)) cs += segs[k].e - segs[k].b, ++k;
    size_t seg_end = std::min(total, cs + (segs[k].e - segs[k].b));
    size_t c1 = std::min(c0 + 4, total);
    if (c1 <= seg_end) {
      size_t h = seg_end == total ? (total + 3) / 4 : seg_end / 4;  // groups ending in this line
      size_t ce = std::min(4 * h, total);
      size_t bytes_end = std::min(3 * h, dec.size());
      map_run(src, segs[k].b + (c0 - cs), segs[k].b + (ce - cs), ce % 4 != 0, dec.substr(3 * g, bytes_end - 3 * g), b);
      g = h;
      continue;
    }
    size_t k2 = k, cs2 = cs;
    while (c1 - 1 >= cs2 + (segs[k2].e - segs[k2].b)) cs2 += segs[k2].e - segs[k2].b, ++k2;
    b.decoded(dec.substr(3 * g, 3), src.to_orig(segs[k].b + (c0 - cs), false),
              src.to_orig(segs[k2].b + (c1 - 1 - cs2) + 1, true));
    ++g;
  }
}

}  // namespace

bool decode_base64_runs(const View& src, const SkipSpans& skip, size_t budget, View& out, bool fast) {
  std::string_view t = src.text();
  const size_t n = t.size();
  ViewBuilder b("base64");
  std::string dec, chars;
  std::vector<Seg> segs;
  size_t i = 0;
  // Lines of a wrapped block that did not decode to text as a whole are decoded one by
  // one, without trying to join them again (linear time).
  size_t solo_until = 0;
  // Invariant: i == 0 or t[i - 1] is not a base64 character. Probing the last byte of a
  // would-be minimal run lets ordinary text be skipped kMinBase64Run bytes at a time.
  size_t next_skip = 0;
  size_t window = 0;  // next_base64_window(t, some i' <= i): the first one at or after i when >= i
  bool window_known = false;
  while (i + kMinBase64Run <= n && b.size() < budget) {
    // Jump over skipped spans (image payloads) when src is the blob itself.
    bool skipping = src.map.empty() && next_skip < skip.size();
    if (skipping) {
      while (next_skip < skip.size() && skip[next_skip].second <= i) ++next_skip;
      if (next_skip < skip.size() && skip[next_skip].first <= i) {
        i = skip[next_skip].second + 1;
        continue;
      }
    }
    // Fast forward to the next place kMinBase64Run base64 characters start, found 16 bytes
    // at a time: the probing below would get there the same way (it only ever steps over
    // shorter runs). Not past a skip span (its jump decides where probing resumes), nor
    // to a run right after a short run's '=' padding: probing steps one byte past such
    // padding, into that run, and so starts it a byte later; the gated and ungated views
    // stay identical (decoders_gate_test.cc).
    if (fast && !skipping) {
      if (!window_known || window < i) window = next_base64_window(t, i), window_known = true;
      if (window + kMinBase64Run > n) break;  // no run long enough starts at or after i
      bool after_padding = window >= 2 && t[window - 1] == '=' &&
                           (is_b64(t[window - 2]) || (t[window - 2] == '=' && window >= 3 && is_b64(t[window - 3])));
      if (window > i && !after_padding) i = window;
    }
    size_t probe = i + kMinBase64Run - 1;
    if (!is_b64(t[probe])) {
      i = probe + 1;
      continue;
    }
    size_t s = probe;
    while (s > i && is_b64(t[s - 1])) --s;
    size_t e = probe + 1;
    while (e < n && is_b64(t[e])) ++e;
    size_t pad_end = e;
    while (pad_end < n && pad_end < e + 2 && t[pad_end] == '=') ++pad_end;
    i = pad_end < n ? pad_end + 1 : n;
    size_t len = e - s;
    if (len < kMinBase64Run) continue;
    size_t orig_s = src.to_orig(s, false);
    if (in_skip(skip, orig_s)) continue;
    segs.assign(1, Seg{s, e});
    size_t block_end = pad_end;
    if (pad_end == e && s >= solo_until) extend_block(t, segs, &block_end);
    for (int attempt = 0; attempt < 2; ++attempt) {
      size_t total = 0;
      std::string_view text;
      if (segs.size() == 1) {
        text = t.substr(s, len);
      } else {
        chars.clear();
        for (auto& g : segs) chars.append(t.substr(g.b, g.e - g.b));
        text = chars;
      }
      total = text.size() - (text.size() % 4 == 1 ? 1 : 0);
      // Cheap rejection first: the first 24 characters must already decode to text.
      std::string_view head = text.substr(0, std::min<size_t>(total, 24) & ~size_t(3));
      bool ok;
      if (fast && head.size() / 4 * 3 < 20) {
        ok = short_prefix_is_text(head);
      } else {
        dec.clear();
        base64_decode(head, dec, Base64Mode::Strict);
        ok = looks_like_text(dec);
      }
      if (ok) {
        dec.clear();
        dec.reserve(total / 4 * 3 + 3);
        base64_decode(text.substr(0, total), dec, Base64Mode::Strict);
        ok = !dec.empty() && looks_like_text(dec);
      }
      if (ok) {
        map_block(src, segs, total, dec, b);
        b.separator(src.to_orig(block_end, true));
        if (segs.size() > 1) i = block_end < n ? block_end + 1 : n;
        break;
      }
      if (segs.size() == 1) break;
      // Not text as a block: its first line alone. When that line was shorter (it started
      // after a key), the lines after it may still be a block of their own; otherwise
      // each following line is decoded by itself.
      solo_until = segs[0].e - segs[0].b < segs[1].e - segs[1].b ? segs[1].b : block_end;
      segs.resize(1);
      block_end = pad_end;
    }
  }
  if (b.empty()) return false;
  b.finish(out);
  return true;
}

}  // namespace keyward
