#include "mask.h"

namespace keyward {

std::string mask_secret(std::string_view s) {
  // Reveal less of shorter secrets: what is shown must leave most of the entropy hidden.
  size_t head, tail;
  if (s.size() >= 32) { head = 5; tail = 3; }
  else if (s.size() >= 20) { head = 4; tail = 2; }
  else if (s.size() >= 12) { head = 2; tail = 1; }
  else { head = 0; tail = 0; }
  std::string out;
  auto printable = [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f && !(c & 0x80); };
  for (size_t i = 0; i < head; ++i) out += printable(s[i]) ? s[i] : '?';
  out += "\xE2\x80\xA6";  // …
  for (size_t i = s.size() - tail; i < s.size(); ++i) out += printable(s[i]) ? s[i] : '?';
  return out;
}

}  // namespace keyward
