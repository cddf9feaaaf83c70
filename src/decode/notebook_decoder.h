// Jupyter notebooks (.ipynb): finds where each cell's source and text outputs lie in the
// file, so findings say "cell N, line M", and marks image and other binary payloads as
// spans not to report (an embedded PNG is base64, not a secret).
#pragma once
#include <string_view>

#include "view.h"

namespace keyward {

// True for paths Jupyter writes notebooks to.
bool is_notebook_path(std::string_view path);

// Parses data as a notebook (nbformat 3 or 4) and fills facts.cells and facts.skip.
// Returns false, leaving facts untouched, when data is not a well-formed notebook: the
// caller then scans it as plain text, never skips it.
bool parse_notebook(std::string_view data, BlobFacts& facts);
// The same, and when any text is stored as a list of strings (nbformat joins them with no
// separator), a "notebook-joined" view of each such text joined and unescaped, mapped back
// into the strings' bytes, into *joined (left empty when there is none). At about budget
// bytes it stops; the caller checks the size against the budget.
bool parse_notebook(std::string_view data, BlobFacts& facts, size_t budget, View* joined);

// MIME types whose notebook payloads are base64 of binary data (image/png, audio/*, PDF);
// the payload is skipped only when it really is (is_base64_binary). SVG is text.
bool is_binary_mime(std::string_view mime);

}  // namespace keyward
