// Base64 runs long enough to hold a credential (Docker config "auth", Kubernetes Secret
// data) are decoded when the result is text; binary payloads (images) are left alone.
#pragma once
#include <cstddef>

#include "escape_decoder.h"
#include "view.h"

namespace keyward {

// Shortest run decoded: 20 characters are 15 bytes, less than any token a rule finds.
inline constexpr size_t kMinBase64Run = 20;
// A "base64" view of the runs in src that decode to text, each followed by a newline and
// mapped (through src's own map) back to the blob. Lines of equal width that hold only
// base64 (wrapped output of `base64`, MIME, PEM) are one run. Runs of any length are
// decoded; binary ones (images) are recognised by their first bytes and left alone, as are
// runs starting in a skip span. Stops once the view holds budget bytes (the caller checks
// for that). Returns false when there is none. fast: skip plain text 16 bytes at a time
// (false: byte probing only, the reference the tests compare it with).
bool decode_base64_runs(const View& src, const SkipSpans& skip, size_t budget, View& out, bool fast = true);

// Is this JSON string content (escapes as written) base64 of binary data: at least
// min_chars standard base64 characters, padding, whitespace and \n escapes only, decoding
// to something not text? Notebook image payloads are; an SVG, a custom MIME type's text
// or a token (URL-safe characters, or too short) is not.
bool is_base64_binary(std::string_view json_text, size_t min_chars);


}  // namespace keyward
