// Migration: reads a gitleaks/Betterleaks TOML configuration (--config .gitleaks.toml) into
// keyward's Config: its [[rules]], rule allowlists, global allowlists and stopwords. What
// cannot be carried over exactly is listed in Config::notes, one precise sentence each.
#pragma once
#include <string>

#include "config.h"
#include "result.h"

namespace keyward {

// True if text (from file path) is a gitleaks/Betterleaks configuration rather than a
// .keyward.toml: by its name (*leaks*.toml) or by keys only gitleaks uses.
bool looks_like_gitleaks_config(const std::string& text, const std::string& path);

// Converts; an error only for a file that is not valid TOML or not a gitleaks config at all.
Result<Config> convert_gitleaks_config(const std::string& text, const std::string& origin);

}  // namespace keyward
