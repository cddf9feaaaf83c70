// Hex digits, UTF-8 encoding and JSON's escapes, as every escape reader needs them (JSON,
// URL, HTML, ANSI, pickle and UTF-16 decoders, the notebook decoder, the JSON cursor).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace keyward {

// The value of a hex digit, -1 for any other character.
inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The n hex digits at d[at] as a number; false if d has fewer or one is not a digit.
inline bool hex_at(std::string_view d, size_t at, size_t n, uint32_t* v) {
  if (at > d.size() || n > d.size() - at) return false;
  uint32_t x = 0;
  for (size_t k = 0; k < n; ++k) {
    int h = hex_value(d[at + k]);
    if (h < 0) return false;
    x = x * 16 + static_cast<uint32_t>(h);
  }
  *v = x;
  return true;
}

// Appends the UTF-8 encoding of a code point (U+FFFD for a surrogate or one past U+10FFFF).
inline void append_utf8(std::string& out, uint32_t cp) {
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// A \uXXXX escape at d[i] (the backslash), with a UTF-16 surrogate pair written as two
// escapes (\uD83D\uDE00) taken as one code point: sets *cp and returns the bytes it spans,
// 6 or 12; 0 when d[i..] is not a backslash, 'u' and four hex digits. A lone surrogate is
// returned as it is (append_utf8 writes U+FFFD for it).
inline size_t u_escape_at(std::string_view d, size_t i, uint32_t* cp) {
  uint32_t hi = 0, lo = 0;
  if (i + 1 >= d.size() || d[i] != '\\' || d[i + 1] != 'u' || !hex_at(d, i + 2, 4, &hi)) return 0;
  if (hi >= 0xD800 && hi <= 0xDBFF && i + 12 <= d.size() && d[i + 6] == '\\' && d[i + 7] == 'u' &&
      hex_at(d, i + 8, 4, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
    *cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
    return 12;
  }
  *cp = hi;
  return 6;
}

// One JSON string escape at d[i] (the backslash): appends what it stands for to out and
// returns the bytes it spans. As lenient as a reader of other people's JSON must be: an
// unknown escape ("\q") stands for its character, a \u without four hex digits for its two
// bytes as written, a lone surrogate for U+FFFD, a backslash at the very end for itself.
inline size_t append_json_escape(std::string_view d, size_t i, std::string& out) {
  if (i + 1 >= d.size()) {
    out += d[i];
    return 1;
  }
  switch (d[i + 1]) {
    case 'n': out += '\n'; return 2;
    case 't': out += '\t'; return 2;
    case 'r': out += '\r'; return 2;
    case 'b': out += '\b'; return 2;
    case 'f': out += '\f'; return 2;
    case 'u': {
      uint32_t cp = 0;
      size_t n = u_escape_at(d, i, &cp);
      if (n == 0) {
        out.append(d.data() + i, 2);
        return 2;
      }
      append_utf8(out, cp);
      return n;
    }
    default: out += d[i + 1]; return 2;  // \" \\ \/
  }
}

}  // namespace keyward
