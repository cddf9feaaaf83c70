#include "utf16_decoder.h"

#include <cstring>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "codepoints.h"
#include "base64.h"
#include "base64_decoder.h"
#include "escape_decoder.h"
#include "view_builder.h"

namespace keyward {
namespace {

bool ascii_text(uint32_t c) { return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0x7F); }

// Code points no text file holds: NUL and the other C0 controls but whitespace and ESC,
// DEL and C1 controls, lone surrogates, the noncharacters U+xxFFFE/U+xxFFFF (a reversed
// BOM reads as U+FFFE), and values past U+10FFFF. Random binary hits one within a few units.
bool bad_cp(uint32_t c) {
  if (c < 0x20) return !(c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x1B);
  if (c >= 0x7F && c <= 0x9F) return true;
  if (c >= 0xD800 && c <= 0xDFFF) return true;
  if ((c & 0xFFFE) == 0xFFFE) return true;
  return c > 0x10FFFF;
}

// One wide encoding read from byte `start` on.
struct Wide {
  unsigned width;  // 2: UTF-16, 4: UTF-32
  bool le;
  size_t start;
};

uint32_t unit_at(std::string_view d, size_t i, const Wide& w) {
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(d[i + k])); };
  if (w.width == 2) return w.le ? (byte(0) | byte(1) << 8) : (byte(0) << 8 | byte(1));
  return w.le ? (byte(0) | byte(1) << 8 | byte(2) << 16 | byte(3) << 24)
              : (byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3));
}

// Calls f(code point, first byte, byte length) for each character from w.start on; a lone
// surrogate comes through as itself (bad_cp). A trailing partial unit is left out.
template <typename F>
void for_each_cp(std::string_view d, const Wide& w, F&& f) {
  for (size_t i = w.start; i + w.width <= d.size();) {
    uint32_t cu = unit_at(d, i, w);
    size_t len = w.width;
    if (w.width == 2 && cu >= 0xD800 && cu <= 0xDBFF && i + 4 <= d.size()) {
      uint32_t lo = unit_at(d, i + 2, w);
      if (lo >= 0xDC00 && lo <= 0xDFFF) cu = 0x10000 + ((cu - 0xD800) << 10) + (lo - 0xDC00), len = 4;
    }
    if (!f(cu, i, len)) return;
    i += len;
  }
}

struct Stats {
  size_t cps = 0, ascii = 0, bad = 0;
};

Stats stats(std::string_view d, const Wide& w, bool stop_at_bad) {
  Stats s;
  for_each_cp(d, w, [&](uint32_t cp, size_t, size_t) {
    ++s.cps;
    if (ascii_text(cp)) ++s.ascii;
    if (bad_cp(cp)) ++s.bad;
    return !(stop_at_bad && s.bad);
  });
  // A partial unit at the end (a tool appended a byte or three: `echo >> f` in a UTF-8
  // shell) does not make the rest any less wide text; decode() scans it as bytes.
  return s;
}

// After a BOM: every character valid, and at least one ASCII one (FF FE before 8-bit text
// reads as UTF-16 without any; it holds no secret as UTF-16 either).
bool valid_after_bom(std::string_view d, const Wide& w) {
  Stats s = stats(d, w, true);
  return s.bad == 0 && s.ascii > 0;
}

// Without a BOM, the zero bytes of ASCII in wide text: whole units only, every character
// valid, at least half of them ASCII, and enough of them to tell.
bool plausible_without_bom(std::string_view d, const Wide& w) {
  if (d.size() % w.width != 0) return false;
  Stats s = stats(d, w, true);
  return s.bad == 0 && s.cps >= 8 && s.ascii * 2 >= s.cps;
}

bool decode(std::string_view d, const Wide& w, size_t budget, View& out) {
  ViewBuilder b(w.width == 2 ? "utf-16" : "utf-32");
  std::string ascii, tmp;
  size_t ascii_at = w.start;
  auto flush = [&] {
    b.strided(ascii, ascii_at, w.width);
    ascii.clear();
  };
  for_each_cp(d, w, [&](uint32_t cp, size_t at, size_t len) {
    if (b.size() + ascii.size() >= budget) return false;
    if (cp < 0x80) {
      if (ascii.empty()) ascii_at = at;
      ascii += static_cast<char>(cp);
      return true;
    }
    flush();
    tmp.clear();
    append_utf8(tmp, cp);
    b.decoded(tmp, at, at + len);
    return true;
  });
  flush();
  // The partial unit after the last whole one, as the bytes it is.
  size_t tail = w.start + (d.size() - w.start) / w.width * w.width;
  if (tail < d.size() && b.size() < budget) b.literal(d.substr(tail), tail);
  if (b.empty()) return false;
  b.finish(out);
  out.whole_text = true;
  return true;
}

bool starts_with(std::string_view d, std::string_view p) { return d.substr(0, p.size()) == p; }

}  // namespace

Utf16Bom utf16_bom(std::string_view d) {
  if (starts_with(d, "\xFF\xFE")) return Utf16Bom::Le;
  if (starts_with(d, "\xFE\xFF")) return Utf16Bom::Be;
  return Utf16Bom::None;
}

bool decode_utf16(std::string_view d, size_t budget, View& out) {
  Utf16Bom bom = utf16_bom(d);
  if (bom != Utf16Bom::None) {
    Wide w{2, bom == Utf16Bom::Le, 2};
    return valid_after_bom(d, w) && decode(d, w, budget, out);
  }
  if (std::memchr(d.data(), 0, d.size()) == nullptr) return false;  // ASCII as UTF-16 has zero bytes
  for (bool le : {true, false})
    if (Wide w{2, le, 0}; plausible_without_bom(d, w)) return decode(d, w, budget, out);
  return false;
}

bool decode_wide_text(std::string_view d, size_t budget, View& out) {
  // FF FE 00 00 is also a UTF-16LE BOM and a NUL: UTF-32 only if it reads as UTF-32.
  for (bool le : {true, false}) {
    Wide w{4, le, 4};
    if (starts_with(d, le ? std::string_view("\xFF\xFE\0\0", 4) : std::string_view("\0\0\xFE\xFF", 4)) &&
        valid_after_bom(d, w))
      return decode(d, w, budget, out);
  }
  if (utf16_bom(d) == Utf16Bom::None && std::memchr(d.data(), 0, d.size()) != nullptr)
    for (bool le : {true, false})
      if (Wide w{4, le, 0}; plausible_without_bom(d, w)) return decode(d, w, budget, out);
  return decode_utf16(d, budget, out);
}

bool decode_utf16_runs(std::string_view d, size_t budget, View& out) {
  if (std::memchr(d.data(), 0, d.size()) == nullptr) return false;
  ViewBuilder b("utf-16");
  auto text = [&](size_t i) { return ascii_text(static_cast<unsigned char>(d[i])); };
  std::string run;
  auto emit = [&](std::string_view chars, size_t from) {
    if (chars.size() < kMinUtf16Run) return;
    chars = chars.substr(0, budget - std::min(budget, b.size()));
    b.strided(chars, from, 2);
    // A UTF-16BE reading's last character can be the blob's last byte.
    b.separator(std::min(d.size(), from + 2 * chars.size()));
  };
  // "c 00 c 00 ..." is ASCII in UTF-16LE; in UTF-16BE ("00 c 00 c") the same pattern
  // starts one byte later, so one pass over every alignment finds both.
  for (size_t i = 0; i + 1 < d.size() && b.size() < budget;) {
    if (!(text(i) && d[i + 1] == 0)) {
      ++i;
      continue;
    }
    size_t start = i;
    run.clear();
    while (i + 1 < d.size() && text(i) && d[i + 1] == 0) run += d[i], i += 2;
    // In UTF-16BE (a zero before the first character) the last character is followed by
    // the next unit's high byte, not by a zero.
    bool be_tail = i < d.size() && text(i);
    if (be_tail && start > 0 && d[start - 1] == 0) {
      run += d[i], ++i;
      emit(run, start);
      continue;
    }
    emit(run, start);
    // Without that zero before it (8-bit text before UTF-16BE: "x\n" 00 'H' 00 'F' ...
    // 00 't' "\n"), the bytes read as UTF-16LE from the 8-bit byte on, and as UTF-16BE
    // from the first zero: both are scanned, or the token's last character is lost.
    if (be_tail && b.size() < budget) emit(run.substr(1) + d[i], start + 2);
  }
  if (b.empty()) return false;
  b.finish(out);
  return true;
}

bool decode_utf32_runs(std::string_view d, size_t budget, View& out) {
  // Every ASCII character in UTF-32 has three zero bytes beside it.
  if (d.find(std::string_view("\0\0\0", 3)) == std::string_view::npos) return false;
  ViewBuilder b("utf-32");
  auto text = [&](size_t i) { return ascii_text(static_cast<unsigned char>(d[i])); };
  auto zeros = [&](size_t i) { return d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 0; };
  std::string run;
  auto emit = [&](size_t from, size_t chars) {
    if (chars < kMinUtf16Run) return;
    run.clear();
    for (size_t k = 0; k < chars; ++k) run += d[from + 4 * k];
    run.resize(std::min(run.size(), budget - std::min(budget, b.size())));
    b.strided(run, from, 4);
    // A UTF-32BE reading's last character can lie within the blob's last three bytes.
    b.separator(std::min(d.size(), from + 4 * run.size()));
  };
  // "c 00 00 00 ..." is ASCII in UTF-32LE (numpy's '<U' arrays); UTF-32BE ("00 00 00 c")
  // is the same pattern three bytes later, so one pass over every alignment finds both.
  for (size_t i = 0; i + 3 < d.size() && b.size() < budget;) {
    if (!(text(i) && zeros(i + 1))) {
      ++i;
      continue;
    }
    size_t start = i, n = 0;
    while (i + 3 < d.size() && text(i) && zeros(i + 1)) ++n, i += 4;
    // Read as UTF-32BE, the last character is d[i] (after the zeros of its unit) and the
    // first is one only when zeros precede it. When the bytes fit both readings, both
    // are scanned.
    bool be_tail = i < d.size() && text(i);
    bool le_head = !(start >= 3 && zeros(start - 3));
    if (!be_tail || le_head) emit(start, n);
    if (be_tail) emit(le_head ? start + 4 : start, le_head ? n : n + 1);
    if (be_tail) ++i;
  }
  if (b.empty()) return false;
  b.finish(out);
  return true;
}

namespace {

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}
bool b64_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// PowerShell takes any prefix of -EncodedCommand that no other parameter shares, and -ec.
bool encoded_command_switch(std::string_view name) {
  static constexpr std::string_view kFull = "encodedcommand";
  std::string l(name);
  for (char& c : l) c = lower(c);
  return l == "ec" || (!l.empty() && l.size() <= kFull.size() && kFull.substr(0, l.size()) == l);
}

// The next "-e", "-E", "/e" or "/E" at or after from, else t.size(). Every switch this
// decoder looks for starts so; '-' and '/' are everywhere in code, so test 16 bytes at once.
size_t next_switch(std::string_view t, size_t from) {
  const char* p = t.data();
  size_t n = t.size();
#if defined(__SSE2__)
  const __m128i dash = _mm_set1_epi8('-'), slash = _mm_set1_epi8('/'), e = _mm_set1_epi8('e'),
                lower = _mm_set1_epi8(0x20);
  for (; from + 17 <= n; from += 16) {
    __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + from));
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + from + 1));
    __m128i lead = _mm_or_si128(_mm_cmpeq_epi8(a, dash), _mm_cmpeq_epi8(a, slash));
    __m128i next = _mm_cmpeq_epi8(_mm_or_si128(b, lower), e);
    if (int m = _mm_movemask_epi8(_mm_and_si128(lead, next))) return from + static_cast<size_t>(__builtin_ctz(m));
  }
#endif
  for (; from + 1 < n; ++from)
    if ((p[from] == '-' || p[from] == '/') && (p[from + 1] | 0x20) == 'e') return from;
  return n;
}

}  // namespace

bool decode_encoded_commands(const View& src, size_t budget, View& out) {
  std::string_view t = src.text();
  ViewBuilder b("powershell-encoded-command");
  std::string bytes, tmp;
  for (size_t at = 0; (at = next_switch(t, at)) < t.size() && b.size() < budget; ++at) {
    if (at > 0 && (word_char(t[at - 1]) || t[at - 1] == '/')) continue;
    size_t n = at + 1;
    while (n < t.size() && ((t[n] >= 'a' && t[n] <= 'z') || (t[n] >= 'A' && t[n] <= 'Z'))) ++n;
    if (!encoded_command_switch(t.substr(at + 1, n - at - 1))) continue;
    size_t v = n;
    bool colon = v < t.size() && t[v] == ':';  // -EncodedCommand:<base64>
    if (colon) ++v;
    while (v < t.size() && (t[v] == ' ' || t[v] == '\t')) ++v;
    if (!colon && v == n) continue;  // "-enc" runs on into another word
    if (v < t.size() && (t[v] == '"' || t[v] == '\'')) ++v;
    size_t e = v;
    while (e < t.size() && b64_char(t[e])) ++e;
    size_t len = e - v;
    if (len < 8) continue;
    bytes.clear();
    if (!base64_decode(t.substr(v, len), bytes, Base64Mode::Strict)) continue;
    // UTF-16LE of a command: mostly ASCII, every unit valid (an ordinary `-e` argument
    // that happens to be base64-shaped decodes to noise and is left alone).
    size_t units = bytes.size() / 2, ascii = 0, bad = 0;
    for (size_t u = 0; u < units; ++u) {
      uint32_t cu = static_cast<unsigned char>(bytes[2 * u]) | static_cast<unsigned char>(bytes[2 * u + 1]) << 8;
      ascii += ascii_text(cu);
      bad += bad_cp(cu) && !(cu >= 0xD800 && cu <= 0xDFFF);
    }
    if (units < 4 || bad || ascii * 2 < units) continue;
    for (size_t u = 0; u < units; ++u) {
      uint32_t cu = static_cast<unsigned char>(bytes[2 * u]) | static_cast<unsigned char>(bytes[2 * u + 1]) << 8;
      tmp.clear();
      append_utf8(tmp, cu);
      // Bytes [2u, 2u + 2) are held by base64 characters [8u / 3, ceil((8u + 8) / 3)).
      size_t cb = v + (8 * u) / 3, ce = std::min(e, v + (8 * u + 8 + 2) / 3);
      b.decoded(tmp, src.to_orig(cb, false), src.to_orig(ce, true));
    }
    b.separator(src.to_orig(e, true));
    at = e - 1;
  }
  if (b.empty()) return false;
  b.finish(out);
  return true;
}

}  // namespace keyward
