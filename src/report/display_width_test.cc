#include "display_width.h"

#include <catch2/catch.hpp>

using keyward::display_width;

TEST_CASE("display width counts terminal columns, not bytes or code points", "[display_width]") {
  CHECK(display_width("token = ") == 8);
  CHECK(display_width("\xE5\xAF\x86\xE9\x92\xA5") == 4);       // 密钥: two wide characters
  CHECK(display_width("\xEF\xBC\xA1") == 2);                   // fullwidth A
  CHECK(display_width("e\xCC\x81") == 1);                      // e + combining acute
  CHECK(display_width("\xC3\xA9") == 1);                       // é precomposed
  CHECK(display_width("\xF0\x9F\x94\x91") == 2);               // 🔑
  CHECK(display_width("\xED\x95\x9C") == 2);                   // 한 (Hangul syllable)
  CHECK(display_width("a\xE2\x80\x8B" "b") == 2);              // zero-width space
  CHECK(display_width("\t") == 1);
  CHECK(display_width("\xFF\xFE" "a") == 3);                   // stray bytes: one column each
  CHECK(display_width("\xE5\xAF") == 2);                       // truncated sequence
}
