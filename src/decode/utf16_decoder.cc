#include "utf16_decoder.h"

#include <string>

#include "escape_decoder.h"
#include "view_builder.h"

namespace keyward {

Utf16Bom utf16_bom(std::string_view d) {
  if (d.size() >= 2 && static_cast<unsigned char>(d[0]) == 0xFF && static_cast<unsigned char>(d[1]) == 0xFE)
    return Utf16Bom::Le;
  if (d.size() >= 2 && static_cast<unsigned char>(d[0]) == 0xFE && static_cast<unsigned char>(d[1]) == 0xFF)
    return Utf16Bom::Be;
  return Utf16Bom::None;
}

bool decode_utf16(std::string_view d, size_t budget, View& out) {
  Utf16Bom bom = utf16_bom(d);
  if (bom == Utf16Bom::None) return false;
  bool le = bom == Utf16Bom::Le;
  auto unit = [&](size_t i) -> uint32_t {
    uint32_t a = static_cast<unsigned char>(d[i]), b = static_cast<unsigned char>(d[i + 1]);
    return le ? (a | (b << 8)) : ((a << 8) | b);
  };
  ViewBuilder b("utf-16");
  std::string ascii, tmp;
  size_t ascii_at = 2;
  auto flush = [&] {
    b.strided(ascii, ascii_at, 2);
    ascii.clear();
  };
  size_t i = 2;
  for (; i + 1 < d.size() && b.size() + ascii.size() < budget; i += 2) {
    uint32_t cu = unit(i);
    if (cu < 0x80) {
      if (ascii.empty()) ascii_at = i;
      ascii += static_cast<char>(cu);
      continue;
    }
    flush();
    tmp.clear();
    size_t len = 2;
    if (cu >= 0xD800 && cu <= 0xDBFF && i + 3 < d.size() && unit(i + 2) >= 0xDC00 && unit(i + 2) <= 0xDFFF) {
      append_utf8(tmp, 0x10000 + ((cu - 0xD800) << 10) + (unit(i + 2) - 0xDC00));
      len = 4;
    } else {
      append_utf8(tmp, cu);
    }
    b.decoded(tmp, i, i + len);
    i += len - 2;
  }
  flush();
  if (b.empty()) return false;
  b.finish(out);
  out.whole_text = true;
  return true;
}

}  // namespace keyward
