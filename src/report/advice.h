// What to do about one finding, chosen for where it is, not only for its rule: a token in
// a notebook's saved output is cleared from the outputs (not moved to an environment
// variable), a copy under .ipynb_checkpoints/ also says to drop that folder, and an inline
// `keyward:allow` is offered only where a comment can be written.
#pragma once
#include <string>

#include "finding.h"

namespace keyward {

// The help line for f. mode is the report's ("pre-commit", "disk", "history", ...).
std::string advice_for(const Finding& f, const std::string& mode);

// Whether an inline `keyward:allow` comment can silence f: not in JSON (no comments), a
// notebook's outputs or attachments, a file name, or bytes keyward decoded from a binary
// form (a pickle, a compressed file, UTF-16 text), where the marker cannot be read.
bool inline_allow_possible(const Finding& f);

// The .ipynb_checkpoints folder path lies in ("models/x/.ipynb_checkpoints"), else "".
std::string checkpoint_folder(const std::string& path);

// path as a shell word: as is when plain, else in single quotes.
std::string shell_quoted(const std::string& path);

}  // namespace keyward
