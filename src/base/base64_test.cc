#include "base64.h"

#include <string>
#include <utility>

#include <catch2/catch.hpp>

using keyward::base64_decode;
using keyward::Base64Mode;
using keyward::base64_encode;

TEST_CASE("base64, strict: the alphabets only, a partial sextet dropped", "[base64]") {
  std::string out = "left over";
  REQUIRE(base64_decode("aGVsbG8gd29ybGQ", out, Base64Mode::Strict));
  CHECK(out == "hello world");  // replaced, not appended
  REQUIRE(base64_decode("-_-_", out, Base64Mode::Strict));
  CHECK(out == std::string("\xfb\xff\xbf", 3));
  REQUIRE(base64_decode("+/+/", out, Base64Mode::Strict));
  CHECK(out == std::string("\xfb\xff\xbf", 3));
  REQUIRE(base64_decode("aGVsbG8x", out, Base64Mode::Strict));
  CHECK(out == "hello1");
  REQUIRE(base64_decode("aGVsbA", out, Base64Mode::Strict));
  CHECK(out == "hell");
  REQUIRE(base64_decode("", out, Base64Mode::Strict));
  CHECK(out.empty());
  CHECK_FALSE(base64_decode("aGVsbG8=", out, Base64Mode::Strict));
  CHECK_FALSE(base64_decode("aGVs bG8", out, Base64Mode::Strict));
  CHECK_FALSE(base64_decode("aGVs\\nbG8", out, Base64Mode::Strict));
}

TEST_CASE("base64, lenient: whitespace, escaped newlines and final padding", "[base64]") {
  std::string out;
  REQUIRE(base64_decode("aGVs\\nbG8=", out, Base64Mode::Lenient));
  CHECK(out == "hello");
  REQUIRE(base64_decode("aGVs\r\n bG8g\td29y\\rbGQ=", out, Base64Mode::Lenient));
  CHECK(out == "hello world");
  REQUIRE(base64_decode("aGk=", out, Base64Mode::Lenient));
  CHECK(out == "hi");
  CHECK_FALSE(base64_decode("aGVs*bG8=", out, Base64Mode::Lenient));
  CHECK_FALSE(base64_decode("aGVsbG8=x", out, Base64Mode::Lenient));  // data after padding
  CHECK_FALSE(base64_decode("aGVsb", out, Base64Mode::Lenient));      // a lone sextet
  CHECK_FALSE(base64_decode("aA===", out, Base64Mode::Lenient));
  CHECK_FALSE(base64_decode("aGVs\\tbG8", out, Base64Mode::Lenient));  // only \n and \r escapes
}

TEST_CASE("base64 characters", "[base64]") {
  for (char c : std::string("AZaz09+/-_")) CHECK(keyward::is_base64_char(c));
  for (char c : std::string("=.* \n\\")) CHECK_FALSE(keyward::is_base64_char(c));
}

TEST_CASE("base64: encoding gives RFC 4648's test vectors and decodes back", "[base64]") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto& [plain, enc] : vectors) {
    CHECK(base64_encode(plain) == enc);
    std::string unpadded(enc);
    unpadded.erase(unpadded.find_last_not_of('=') + 1);
    CHECK(base64_encode(plain, true, false) == unpadded);
  }
  CHECK(base64_encode("\xfb\xff", false) == "+/8=");
  CHECK(base64_encode("\xfb\xff", true) == "-_8=");
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  for (size_t n = 0; n <= all.size(); n += 37) {
    std::string back;
    REQUIRE(base64_decode(base64_encode(all.substr(0, n)), back, Base64Mode::Lenient));
    CHECK(back == all.substr(0, n));
  }
}
