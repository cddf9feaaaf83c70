#include "added_lines.h"

#include <catch2/catch.hpp>
#include <string>

#include "git_handles.h"

using namespace keyward;

namespace {
std::string utf16(const std::u16string& s, bool le) {
  std::string out = le ? "\xFF\xFE" : "\xFE\xFF";
  for (char16_t c : s) {
    char lo = static_cast<char>(c & 0xFF), hi = static_cast<char>(c >> 8);
    out += le ? lo : hi;
    out += le ? hi : lo;
  }
  return out;
}
}  // namespace

TEST_CASE("added_spans: UTF-16 lines with 0x0A inside code units", "[added_lines]") {
  GitLibrary lib;
  // U+4E0A, U+0E0A, U+040A and U+0A41 each hold a 0x0A byte: decoded and byte lines differ.
  for (char16_t c : {u'\u4e0a', u'\u0e0a', u'\u040a', u'\u0a41'})
    for (bool le : {true, false}) {
      std::u16string before = std::u16string(u"a ") + c + c + u"\r\nb = 1\r\n";
      std::string old_blob = utf16(before, le);
      std::string new_blob = utf16(before + u"KEY=SECRET_SECRET\r\n", le);
      std::string old_line = utf16(u"b = 1", le).substr(2);
      std::string new_line = utf16(u"SECRET_SECRET", le).substr(2);
      size_t s = new_blob.find(new_line), o = new_blob.find(old_line);
      REQUIRE(s != std::string::npos);
      auto r = added_spans(old_blob, new_blob, {{s, s + new_line.size()}, {o, o + old_line.size()}});
      REQUIRE(r);
      CHECK((*r)[0]);
      CHECK_FALSE((*r)[1]);
    }
}

TEST_CASE("added_spans: lone CR ends a line on both sides", "[added_lines]") {
  GitLibrary lib;
  std::string old_blob = "OLD_SECRET\rb\rc\r";
  std::string new_blob = "OLD_SECRET\rb\rNEW_SECRET\rc\r";
  auto r = added_spans(old_blob, new_blob, {{0, 10}, {new_blob.find("NEW"), new_blob.find("NEW") + 10}});
  REQUIRE(r);
  CHECK_FALSE((*r)[0]);  // the whole CR-only file is one '\n' line: this was "changed"
  CHECK((*r)[1]);
  std::string crlf_old = "OLD_SECRET\r\nb\r\n", crlf_new = "OLD_SECRET\r\nb\r\nNEW\r\n";
  r = added_spans(crlf_old, crlf_new, {{0, 10}, {crlf_new.find("NEW"), crlf_new.find("NEW") + 3}});
  REQUIRE(r);
  CHECK_FALSE((*r)[0]);
  CHECK((*r)[1]);
}
