#include "mask.h"

#include <catch2/catch.hpp>

#include "testing.h"

using keyward::mask_secret;

TEST_CASE("mask shows a prefix, an ellipsis and a suffix, never the secret", "[mask]") {
  std::string tok = keyward::testing::fake_token("hf_", keyward::testing::kLetters, 34, 1);
  std::string m = mask_secret(tok);
  CHECK(m.substr(0, 5) == tok.substr(0, 5));
  CHECK(m.find("\xE2\x80\xA6") == 5);
  CHECK(m.substr(m.size() - 3) == tok.substr(tok.size() - 3));
  CHECK(m.find(tok.substr(5, 10)) == std::string::npos);
}

TEST_CASE("short secrets reveal less", "[mask]") {
  CHECK(mask_secret("hunter2") == "\xE2\x80\xA6");
  CHECK(mask_secret("correcthorse").size() == 3 + 3);
  CHECK(mask_secret(std::string(20, 'q')).substr(0, 4) == "qqqq");
}

TEST_CASE("control bytes in a secret are not echoed", "[mask]") {
  std::string s = "ab\x1b[31mcdefghijklmnopqrstuvwxyz0123";
  CHECK(mask_secret(s).find('\x1b') == std::string::npos);
}
