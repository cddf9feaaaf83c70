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

TEST_CASE("a private key is masked showing its kind", "[mask]") {
  std::string body = keyward::testing::fake_token("b3Bl", keyward::testing::kLetters, 200, 2);
  std::string key = "-----" "BEGIN OPENSSH PRIVATE KEY-----\n" + body + "\n-----" "END OPENSSH PRIVATE KEY-----\n";
  CHECK(mask_secret(key) == "-----" "BEGIN OPENSSH PRIVATE KEY----- \xE2\x80\xA6");
  // JSON-escaped (a service-account file), and a header that is not a key's label.
  CHECK(mask_secret("-----" "BEGIN PRIVATE KEY-----\\n" + body) == "-----" "BEGIN PRIVATE KEY----- \xE2\x80\xA6");
  CHECK(mask_secret("-----" "BEGIN " + body).find(body.substr(5, 10)) == std::string::npos);
}

TEST_CASE("control bytes in a secret are not echoed", "[mask]") {
  std::string s = "ab\x1b[31mcdefghijklmnopqrstuvwxyz0123";
  CHECK(mask_secret(s).find('\x1b') == std::string::npos);
}

TEST_CASE("mask_spans masks every span, merging overlaps", "[mask]") {
  using keyward::mask_spans;
  std::string t = "A=" + std::string(40, 'x') + " B=" + std::string(40, 'y') + " end";
  std::string m = mask_spans(t, {{2, 42}, {45, 85}});
  CHECK(m.find(std::string(10, 'x')) == std::string::npos);
  CHECK(m.find(std::string(10, 'y')) == std::string::npos);
  CHECK(m.substr(0, 2) == "A=");
  CHECK(m.find(" B=") != std::string::npos);
  CHECK(m.substr(m.size() - 4) == " end");
  // Overlapping and out-of-range spans.
  std::string o = mask_spans(t, {{2, 30}, {20, 42}, {80, 500}});
  CHECK(o.find(std::string(10, 'x')) == std::string::npos);
  CHECK(o.substr(o.size() - 3) != "end");
  CHECK(mask_spans("abc", {}) == "abc");
}

TEST_CASE("mask_occurrences masks every copy of every secret in a metadata string", "[mask]") {
  std::string a = keyward::testing::fake_hf_token(5), b = keyward::testing::fake_hf_token(6);
  std::string text = "dev " + a + " <" + b + "@example.invalid> " + a;
  std::string shown = keyward::mask_occurrences(text, {a, b});
  CHECK(shown.find(a) == std::string::npos);
  CHECK(shown.find(b) == std::string::npos);
  CHECK(shown.rfind("dev ", 0) == 0);
  CHECK(keyward::mask_occurrences("plain", {a}) == "plain");
}
