#include "base64_decoder.h"

#include <algorithm>
#include <array>
#include <string>

#include "view_builder.h"

namespace keyward {
namespace {

constexpr std::array<signed char, 256> make_table() {
  std::array<signed char, 256> t{};
  for (auto& x : t) x = -1;
  for (int i = 0; i < 26; ++i) t['A' + i] = static_cast<signed char>(i), t['a' + i] = static_cast<signed char>(26 + i);
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<signed char>(52 + i);
  t['+'] = t['-'] = 62;
  t['/'] = t['_'] = 63;
  return t;
}
constexpr std::array<signed char, 256> kTable = make_table();

bool is_b64(char c) { return kTable[static_cast<unsigned char>(c)] >= 0; }

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

bool decode_base64_text(std::string_view in, std::string& out) {
  uint32_t acc = 0;
  int bits = 0;
  for (char ch : in) {
    signed char v = kTable[static_cast<unsigned char>(ch)];
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return true;
}

bool decode_base64_runs(const View& src, const SkipSpans& skip, size_t budget, View& out) {
  std::string_view t = src.text;
  const size_t n = t.size();
  ViewBuilder b("base64");
  std::string dec;
  size_t i = 0;
  // Invariant: i == 0 or t[i - 1] is not a base64 character. Probing the last byte of a
  // would-be minimal run lets ordinary text be skipped kMinBase64Run bytes at a time.
  size_t next_skip = 0;
  while (i + kMinBase64Run <= n && b.size() < budget) {
    // Jump over skipped spans (image payloads) when src is the blob itself.
    if (src.map.empty() && next_skip < skip.size()) {
      while (next_skip < skip.size() && skip[next_skip].second <= i) ++next_skip;
      if (next_skip < skip.size() && skip[next_skip].first <= i) {
        i = skip[next_skip].second + 1;
        continue;
      }
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
    if (len < kMinBase64Run || len > kMaxBase64Run) continue;
    size_t orig_s = src.to_orig(s, false);
    if (in_skip(skip, orig_s)) continue;
    // Cheap rejection first: the first 24 characters must already decode to text.
    dec.clear();
    decode_base64_text(t.substr(s, std::min<size_t>(len, 24) & ~size_t(3)), dec);
    if (!looks_like_text(dec)) continue;
    dec.clear();
    decode_base64_text(t.substr(s, len - (len % 4 == 1 ? 1 : 0)), dec);
    if (dec.empty() || !looks_like_text(dec)) continue;
    // Map each group of 4 characters (3 bytes) to its span; long runs coarser.
    size_t groups_per_piece = len <= (64u << 10) ? 1 : 256;
    size_t step_chars = 4 * groups_per_piece, step_bytes = 3 * groups_per_piece;
    for (size_t k = 0, c = s; k < dec.size(); k += step_bytes, c += step_chars) {
      size_t ce = std::min(c + step_chars, e);
      b.decoded(std::string_view(dec).substr(k, step_bytes), src.to_orig(c, false), src.to_orig(ce, true));
    }
    b.separator(src.to_orig(pad_end, true));
  }
  if (b.empty()) return false;
  b.finish(out);
  return true;
}

}  // namespace keyward
