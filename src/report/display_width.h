// How many terminal columns text takes, so a caret can be put under a secret on a line
// holding CJK text, emoji or combining accents (JSON and SARIF keep byte and UTF-16
// columns: this is for the screen only).
#pragma once
#include <cstddef>
#include <string_view>

namespace keyward {

// Columns of one code point: 2 for East Asian wide and fullwidth characters (and emoji),
// 0 for combining marks and zero-width characters, else 1.
int codepoint_width(char32_t c);

// Columns of UTF-8 text as a terminal draws it. A tab counts as one column (the text
// reporter prints it as one space); a byte that is not valid UTF-8 counts one column
// (terminals draw a replacement character).
size_t display_width(std::string_view utf8);

}  // namespace keyward
