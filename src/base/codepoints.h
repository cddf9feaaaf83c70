// Hex digits and UTF-8 encoding, as every escape reader needs them (JSON, URL, HTML, ANSI,
// pickle and UTF-16 decoders, the JSON cursor).
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

}  // namespace keyward
