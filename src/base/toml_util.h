// One way to parse TOML text into a table, with errors that name file, line and column.
#pragma once
#include <string>
#include <toml++/toml.h>

#include <fmt/format.h>

#include "result.h"

namespace keyward {

inline Result<toml::table> parse_toml(const std::string& text, const std::string& origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return Error{fmt::format("{}:{}:{}: invalid TOML: {}", origin, e.source().begin.line, e.source().begin.column,
                             e.description())};
  }
}

}  // namespace keyward
