// Filters decide which confirmed matches are findings: entropy, placeholders and example
// values, inline allow comments. Each is a pure function so it can be tested alone.
#pragma once
#include <string_view>
#include <vector>

namespace keyward {

// Shannon entropy in bits per byte.
double shannon_entropy(std::string_view s);

// True for values that are obviously not real secrets: xxxx, YOUR_TOKEN_HERE, <token>,
// ${VAR}, EXAMPLE, runs of one character, ascending sequences (abcdef, 123456). A word
// such as Fake or Sample glued inside random letters is not enough: it must stand apart
// or filler words must make up half the value. The scanner skips this filter for values
// whose checksum is valid.
bool looks_like_placeholder(std::string_view secret);

// The random part of a secret: what follows a provider prefix such as "hf_", "sk-proj-".
std::string_view random_part(std::string_view secret);

// True if the line carries an inline allow comment: keyward:allow, or the spellings of
// the scanners a repository may already carry (gitleaks:allow, betterleaks:allow,
// trufflehog:ignore, kingfisher:ignore, detect-secrets' pragma: allowlist secret), in any
// letter case.
bool has_allow_comment(std::string_view line);
// Where each allow marker starts in line, in order.
std::vector<size_t> allow_comment_positions(std::string_view line);
// True if the line carries detect-secrets' `pragma: allowlist nextline secret`, which
// allowlists the line after it.
bool has_nextline_allow_comment(std::string_view line);

}  // namespace keyward
