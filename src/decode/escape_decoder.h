// JSON string escapes (\uXXXX, \/, \n, ...) and URL percent-encoding can hide a token from
// a plain regex or break it apart. These decoders build a view of only the text around
// escapes that matter, so a file without them costs one memchr pass.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "view.h"

namespace keyward {

using SkipSpans = std::vector<std::pair<size_t, size_t>>;  // sorted blob spans to leave alone

// A "json-escape" view of the lines (or a window of a long line) around escapes that can
// hide or split a token. Python's and C's \xNN count too (a bytes repr in a log), and an
// escaped ANSI colour code (\u001b[32m, \x1b[0m) is dropped. Returns false when there is
// nothing worth decoding.
bool decode_json_escapes(std::string_view data, const SkipSpans& skip, size_t budget, View& out);

// The same for %XX percent-encoding ("url-encoding").
bool decode_url_escapes(std::string_view data, const SkipSpans& skip, size_t budget, View& out);

// The same for HTML/XML numeric character references (&#x68;&#102; ...), "html-entity";
// named ASCII ones (&amp;, &quot;, ...) are decoded around them. Only blobs holding "&#".
bool decode_html_entities(std::string_view data, const SkipSpans& skip, size_t budget, View& out);

}  // namespace keyward
