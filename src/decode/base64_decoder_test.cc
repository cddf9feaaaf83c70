#include "base64_decoder.h"
#include "base64.h"

#include <catch2/catch.hpp>
#include <string>

#include "testing.h"

using namespace keyward;

namespace {
std::string encode(const std::string& in) { return base64_encode(in); }
View raw(std::string_view d) {
  return View::of(d);
}
}  // namespace

TEST_CASE("base64: Docker basic auth decodes to user:token, mapped into the run", "[base64]") {
  std::string tok = testing::fake_hf_token(5);
  std::string run = encode("user:" + tok);
  std::string d = "{\"auths\": {\"r.test\": {\"auth\": \"" + run + "\"}}}";
  View v;
  REQUIRE(decode_base64_runs(raw(d), {}, 1 << 20, v));
  CHECK(v.decoded == "base64");
  size_t t = v.text().find(tok);
  REQUIRE(t != std::string::npos);
  size_t rb = d.find(run);
  size_t ob = v.to_orig(t, false), oe = v.to_orig(t + tok.size(), true);
  CHECK(ob >= rb);
  CHECK(ob <= rb + 8);
  CHECK(oe <= rb + run.size());
  CHECK(oe > rb + run.size() - 4);
}

TEST_CASE("base64: binary payloads, short runs and skipped spans are left alone", "[base64]") {
  std::string bin;
  for (int i = 0; i < 3000; ++i) bin += static_cast<char>((i * 7919) & 0xFF);
  std::string d = "\"image/png\": \"" + encode(bin) + "\"";
  View v;
  CHECK_FALSE(decode_base64_runs(raw(d), {}, 1 << 20, v));
  CHECK_FALSE(decode_base64_runs(raw("short: " + encode("hi there")), {}, 1 << 20, v));
  std::string text = "k: " + encode("a long enough plain text value here");
  REQUIRE(decode_base64_runs(raw(text), {}, 1 << 20, v));
  CHECK_FALSE(decode_base64_runs(raw(text), {{3, text.size()}}, 1 << 20, v));
  CHECK_FALSE(decode_base64_runs(raw("/usr/local/lib/python3.11/site-packages/x"), {}, 1 << 20, v));
}

TEST_CASE("base64: base64 inside base64 maps through both layers", "[base64]") {
  std::string inner = encode("password=" + testing::fake_hf_token(9));
  std::string d = "data:\n  cfg: " + encode("inner: " + inner) + "\n";
  View one, two;
  REQUIRE(decode_base64_runs(raw(d), {}, 1 << 20, one));
  REQUIRE(decode_base64_runs(one, {}, 1 << 20, two));
  size_t t = two.text().find("hf_");
  REQUIRE(t != std::string::npos);
  size_t ob = two.to_orig(t, false);
  CHECK(ob >= d.find("cfg: ") + 5);
  CHECK(ob < d.size());
}

TEST_CASE("base64: wrapped blocks decode as one run at every alignment, mapped to the lines", "[base64]") {
  std::string tok = testing::fake_hf_token(11);
  for (size_t width : {76u, 64u}) {
    for (size_t shift = 0; shift < 80; ++shift) {
      std::string enc = encode(std::string(shift, 'x') + " token=" + tok + " and some words after it");
      std::string d = "data:\n";
      for (size_t k = 0; k < enc.size(); k += width) d += "  " + enc.substr(k, width) + "\n";
      View v;
      REQUIRE(decode_base64_runs(raw(d), {}, 1 << 20, v));
      size_t t = v.text().find(tok);
      REQUIRE(t != std::string::npos);
      // The token's first character maps into the characters that encode it.
      size_t ob = v.to_orig(t, false), oe = v.to_orig(t + tok.size(), true);
      size_t first_char = (shift + 7) / 3 * 4;  // first character of the token's group
      size_t line = first_char / width;
      size_t expect = 6 + line * (width + 3) + 2 + first_char % width;
      CHECK(ob <= expect);
      CHECK(ob + 8 >= expect);
      CHECK(oe > ob + tok.size());
      CHECK(oe <= d.size());
    }
  }
}
