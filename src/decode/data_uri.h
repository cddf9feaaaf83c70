// data: URIs (RFC 2397) of binary media inline in text: `<audio src="data:audio/wav;base64,
// UklGR...">` in a notebook's text/html output, an inline PNG in HTML, Markdown or CSS. Their
// payload is a binary file like an image/png output, and a run of its base64 that happens to
// look like a token (`EAA...`) is not one. A payload of a text type (data:text/plain;base64,
// data:application/json;base64) is left to the base64 decoder, which reads it as text.
#pragma once
#include <string_view>

#include "escape_decoder.h"
#include "view.h"

namespace keyward {

// Appends to skip the payload span of every data: URI in data whose media type is binary
// (is_binary_mime) and whose base64 really decodes to binary data. Linear: one memmem pass
// for ";base64,".
void add_binary_data_uris(std::string_view data, SkipSpans& skip);

}  // namespace keyward
