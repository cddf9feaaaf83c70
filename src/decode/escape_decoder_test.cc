#include "escape_decoder.h"

#include <catch2/catch.hpp>
#include <string>

using namespace keyward;

TEST_CASE("json escapes: \\u0068 decodes and maps to the escape", "[escape]") {
  std::string d = "{\"k\": \"\\u0068f_abc\"}";
  View v;
  REQUIRE(decode_json_escapes(d, {}, 1 << 20, v));
  CHECK(v.decoded == "json-escape");
  size_t h = v.text().find("hf_abc");
  REQUIRE(h != std::string::npos);
  CHECK(v.to_orig(h, false) == d.find("\\u0068"));
  CHECK(v.to_orig(h + 6, true) == d.find("\"}"));
  CHECK(v.to_orig(h + 1, false) == d.find("f_abc"));
}

TEST_CASE("json escapes: surrogate pairs, \\/ and glued \\n", "[escape]") {
  std::string d = "\"\\ud83d\\ude00 https:\\/\\/x\\nabc\"";
  View v;
  REQUIRE(decode_json_escapes(d, {}, 1 << 20, v));
  CHECK(v.text() == "\"\xF0\x9F\x98\x80 https://x\nabc\"\n");
  // A lone surrogate becomes U+FFFD rather than invalid UTF-8.
  std::string lone = "\"\\ud83d x\"";
  REQUIRE(decode_json_escapes(lone, {}, 1 << 20, v));
  CHECK(v.text().substr(1, 3) == "\xEF\xBF\xBD");
}

TEST_CASE("json escapes: nothing worth decoding, nothing built", "[escape]") {
  View v;
  CHECK_FALSE(decode_json_escapes("plain text, no backslash", {}, 1 << 20, v));
  // \" and \\ and a trailing \n leave the token boundaries the raw text already has.
  CHECK_FALSE(decode_json_escapes("\"say \\\"hi\\\" C:\\\\dir line\\n\"", {}, 1 << 20, v));
}

TEST_CASE("json escapes: only a window of a long line is decoded", "[escape]") {
  std::string d(20000, 'a');
  d.replace(10000, 6, "\\u0041");
  View v;
  REQUIRE(decode_json_escapes(d, {}, 1 << 20, v));
  CHECK(v.text().size() < 2400);
  CHECK(v.text().find('A') != std::string::npos);
}

TEST_CASE("json escapes: skip spans and the budget are respected", "[escape]") {
  std::string d = "xx\\u0041xx";
  View v;
  CHECK_FALSE(decode_json_escapes(d, {{0, d.size()}}, 1 << 20, v));
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "\\u0041" + std::string(3000, 'b') + "\n";
  REQUIRE(decode_json_escapes(many, {}, 10000, v));
  CHECK(v.text().size() < 20000);
}

TEST_CASE("url escapes: %XX decodes and maps back", "[escape]") {
  std::string d = "https://x.test/?token%3Dhf_abc&y=1";
  View v;
  REQUIRE(decode_url_escapes(d, {}, 1 << 20, v));
  CHECK(v.decoded == "url-encoding");
  size_t h = v.text().find("=hf_abc");
  REQUIRE(h != std::string::npos);
  CHECK(v.to_orig(h, false) == d.find("%3D"));
  CHECK(v.to_orig(h + 1, false) == d.find("hf_abc"));
  CHECK_FALSE(decode_url_escapes("100% sure", {}, 1 << 20, v));
}

TEST_CASE("html entities: numeric references decode and map to the reference", "[escape]") {
  std::string d = "<a data-t=\"&#x68;&#102;_abc&amp;x\">&#104f</a>";
  View v;
  REQUIRE(decode_html_entities(d, {}, 1 << 20, v));
  CHECK(v.decoded == "html-entity");
  CHECK(v.text() == "<a data-t=\"hf_abc&x\">hf</a>\n");
  size_t h = v.text().find("hf_abc");
  CHECK(v.to_orig(h, false) == d.find("&#x68;"));
  CHECK(v.to_orig(h + 1, false) == d.find("&#102;"));
  CHECK(v.to_orig(h + 2, false) == d.find("_abc"));
  CHECK(v.to_orig(h + 6, true) == d.find("&amp;"));
  // Only named references, or none: no view.
  CHECK_FALSE(decode_html_entities("a &amp; b &quot;c&quot;", {}, 1 << 20, v));
  CHECK_FALSE(decode_html_entities("a &# b", {}, 1 << 20, v));
  CHECK_FALSE(decode_html_entities("plain", {}, 1 << 20, v));
}
