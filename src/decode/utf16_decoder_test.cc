#include "utf16_decoder.h"

#include <catch2/catch.hpp>
#include <string>

using namespace keyward;

namespace {
std::string utf16(const std::u16string& s, bool le) {
  std::string out = le ? std::string("\xFF\xFE") : std::string("\xFE\xFF");
  for (char16_t c : s) {
    char lo = static_cast<char>(c & 0xFF), hi = static_cast<char>(c >> 8);
    out += le ? lo : hi;
    out += le ? hi : lo;
  }
  return out;
}
}  // namespace

TEST_CASE("utf-16: LE and BE with BOM decode to UTF-8 and map back", "[utf16]") {
  for (bool le : {true, false}) {
    std::string d = utf16(u"a\u00e9\r\nkey=hf_abc\U0001F600z", le);
    View v;
    REQUIRE(decode_utf16(d, 1 << 20, v));
    CHECK(v.whole_text);
    CHECK(v.text == "a\xC3\xA9\r\nkey=hf_abc\xF0\x9F\x98\x80z");
    size_t h = v.text.find("hf_abc");
    // BOM (2) + "a" "é" "\r" "\n" "key=" = 8 units.
    CHECK(v.to_orig(h, false) == 2 + 2 * 8);
    CHECK(v.to_orig(h + 6, true) == 2 + 2 * 14);
    CHECK(v.from_orig(2 + 2 * 8) == h);
    CHECK(v.from_orig(2 + 2 * 14) == h + 6);
    size_t z = v.text.find('z');
    CHECK(v.to_orig(z, false) == 2 + 2 * 16);  // the emoji is a surrogate pair: 2 units
  }
}

TEST_CASE("utf-16: no BOM, no view; odd trailing byte is ignored", "[utf16]") {
  View v;
  CHECK(utf16_bom("plain") == Utf16Bom::None);
  CHECK_FALSE(decode_utf16("plain", 1 << 20, v));
  REQUIRE(decode_utf16(std::string("\xFF\xFE" "a\0b\0c", 7), 1 << 20, v));
  CHECK(v.text == "ab");
}
