// JSON's escapes, read the one way the JSON cursor, the notebook decoder and the escape
// decoder share: a surrogate pair is one code point, a broken escape is kept as written.
#include "codepoints.h"

#include <catch2/catch.hpp>

#include <string>

using namespace keyward;

namespace {

std::string escape(std::string_view d, size_t* len = nullptr) {
  std::string out;
  size_t n = append_json_escape(d, 0, out);
  if (len) *len = n;
  return out;
}

}  // namespace

TEST_CASE("codepoints: \\u escapes, surrogate pairs taken together", "[json][codepoints]") {
  uint32_t cp = 0;
  CHECK(u_escape_at("\\u0041", 0, &cp) == 6);
  CHECK(cp == 0x41);
  CHECK(u_escape_at("x\\uD83D\\uDE00y", 1, &cp) == 12);
  CHECK(cp == 0x1F600);
  // A high surrogate without its low half, and a low one alone: one escape each.
  CHECK(u_escape_at("\\uD83Dx", 0, &cp) == 6);
  CHECK(cp == 0xD83D);
  CHECK(u_escape_at("\\uD83D\\u0041", 0, &cp) == 6);
  CHECK(u_escape_at("\\uDE00", 0, &cp) == 6);
  // Not an escape: too few digits (also at the very end), a non-hex digit, no 'u'.
  CHECK(u_escape_at("\\u004", 0, &cp) == 0);
  CHECK(u_escape_at("\\u00G1", 0, &cp) == 0);
  CHECK(u_escape_at("\\x0041", 0, &cp) == 0);
  CHECK(u_escape_at("\\", 0, &cp) == 0);
  // The pair's second half is read only inside the view it is given.
  std::string_view cut = std::string_view("\\uD83D\\uDE00").substr(0, 11);
  CHECK(u_escape_at(cut, 0, &cp) == 6);
}

TEST_CASE("codepoints: one JSON escape, as a lenient reader reads it", "[json][codepoints]") {
  size_t n = 0;
  CHECK(escape("\\n", &n) == "\n");
  CHECK(n == 2);
  CHECK(escape("\\t") == "\t");
  CHECK(escape("\\r") == "\r");
  CHECK(escape("\\b") == "\b");
  CHECK(escape("\\f") == "\f");
  CHECK(escape("\\\"") == "\"");
  CHECK(escape("\\\\") == "\\");
  CHECK(escape("\\/") == "/");
  CHECK(escape("\\q", &n) == "q");  // unknown: its character
  CHECK(n == 2);
  CHECK(escape("\\u00e9", &n) == "\xC3\xA9");
  CHECK(n == 6);
  CHECK(escape("\\uD83D\\uDE00", &n) == "\xF0\x9F\x98\x80");
  CHECK(n == 12);
  CHECK(escape("\\uD83D", &n) == "\xEF\xBF\xBD");  // lone surrogate: U+FFFD
  CHECK(n == 6);
  CHECK(escape("\\u12", &n) == "\\u");  // broken \u: its two bytes as written
  CHECK(n == 2);
  CHECK(escape("\\", &n) == "\\");  // a backslash at the very end
  CHECK(n == 1);
}
