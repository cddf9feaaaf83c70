// gitignore-style path patterns for allowlists: "tests/" (a directory anywhere... or at
// the root when it contains a slash), "*.lock", "docs/**/*.md", "/build".
#pragma once
#include <string_view>

namespace keyward {

// path is relative to the repository (or scan) root, '/'-separated, no leading "./".
bool glob_match_path(std::string_view pattern, std::string_view path);

}  // namespace keyward
