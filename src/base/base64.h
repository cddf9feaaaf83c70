// The one base64 decoder. Both alphabets (standard and URL-safe) are always accepted; the
// mode says what else may appear. The decode layer scans blobs with the strict mode (it
// has found the run's extent itself); validators check a token's structure with the
// lenient one (PEM bodies keep their line breaks, JSON keeps them escaped).
#pragma once
#include <string>
#include <string_view>

namespace keyward {

enum class Base64Mode {
  // The alphabet only, no padding: any other character fails. A trailing partial sextet
  // is dropped (callers decode prefixes of runs).
  Strict,
  // Also whitespace, literal "\n" / "\r" escapes and up to two '=' of padding at the end;
  // data after padding, or a lone trailing sextet (which cannot encode a byte), fails.
  Lenient,
};

// Decodes `in` into `out` (replacing what it held); false on a character the mode refuses.
bool base64_decode(std::string_view in, std::string& out, Base64Mode mode);

// A character of either alphabet.
bool is_base64_char(char c);

// `in` in base64: the standard alphabet, or the URL-safe one; with '=' padding unless
// `pad` is false (URL-safe tokens such as JWTs drop it).
std::string base64_encode(std::string_view in, bool url_alphabet = false, bool pad = true);

}  // namespace keyward
