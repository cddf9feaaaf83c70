// Minimal JSON output helpers: escaping that always yields valid UTF-8 JSON, whatever
// bytes a path or an excerpt holds.
#pragma once
#include <string>
#include <string_view>

namespace keyward {

// A JSON string literal (with quotes). Invalid UTF-8 bytes become U+FFFD.
std::string json_string(std::string_view s);

}  // namespace keyward
