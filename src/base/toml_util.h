// One way to parse TOML text into a table, with errors that name file, line and column.
#pragma once
#include <string>
#include <string_view>
// toml++'s templates are compiled here (its parser too, in the static build's
// toml_once.cc); its internal assertions (active in builds without NDEBUG,
// such as the sanitizer build) abort on some malformed keys where the release build goes
// on to report a parse error: make every build behave like the release one.
#ifndef TOML_ASSERT
#define TOML_ASSERT(expr) static_cast<void>(0)
#endif
#include <toml++/toml.h>

#include <fmt/format.h>

#include "result.h"

namespace keyward {

// toml++ quotes what it saw ('<key>', '<value>'); a config holds allowlisted secrets, so
// keep only quotes of one or two characters (the unexpected character) and elide the rest.
inline std::string toml_error_without_text(std::string_view d) {
  std::string out;
  for (size_t i = 0; i < d.size();) {
    size_t q = d.find('\'', i);
    if (q == std::string_view::npos) { out.append(d.substr(i)); break; }
    size_t close = d.find('\'', q + 1);
    if (close == std::string_view::npos) { out.append(d.substr(i, q - i)); break; }
    out.append(d.substr(i, q - i));
    if (close - q - 1 <= 2) out.append(d.substr(q, close - q + 1));
    else out += "'\xE2\x80\xA6'";
    i = close + 1;
  }
  return out;
}

inline Result<toml::table> parse_toml(const std::string& text, const std::string& origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return Error{fmt::format("{}:{}:{}: invalid TOML: {}", origin, e.source().begin.line, e.source().begin.column,
                             toml_error_without_text(e.description()))};
  }
}

}  // namespace keyward
