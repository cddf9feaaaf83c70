#include "base64.h"

#include <algorithm>
#include <array>
#include <cstdint>

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

}  // namespace

bool is_base64_char(char c) { return kTable[static_cast<unsigned char>(c)] >= 0; }

bool base64_decode(std::string_view in, std::string& out, Base64Mode mode) {
  out.clear();
  uint32_t acc = 0;
  int bits = 0;
  if (mode == Base64Mode::Strict) {  // the hot path (every base64 run of every blob): no branches but the table's
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
  size_t pad = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    signed char v = kTable[static_cast<unsigned char>(c)];
    if (v < 0) {
      if (c == '=') ++pad;
      else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
      else if (c == '\\' && i + 1 < in.size() && (in[i + 1] == 'n' || in[i + 1] == 'r')) ++i;
      else return false;
      continue;
    }
    if (pad) return false;  // data after padding
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return bits < 6 && pad <= 2;
}

std::string base64_encode(std::string_view in, bool url_alphabet, bool pad) {
  const char* a = url_alphabet ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                               : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (size_t i = 0; i < in.size(); i += 3) {
    size_t n = std::min<size_t>(3, in.size() - i);  // bytes in this group
    uint32_t v = uint32_t(uint8_t(in[i])) << 16;
    if (n > 1) v |= uint32_t(uint8_t(in[i + 1])) << 8;
    if (n > 2) v |= uint8_t(in[i + 2]);
    for (size_t k = 0; k <= n; ++k) out += a[(v >> (18 - 6 * k)) & 63];
    if (pad) out.append(3 - n, '=');
  }
  return out;
}

}  // namespace keyward
