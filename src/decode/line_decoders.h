// Decoders that rewrite the lines around a marker byte, for text where a letter of the
// encoding is glued to a token: ANSI escape sequences in logs (ESC [32m hf_...: the 'm'
// touches the token) and quoted-printable mail (HF_TOKEN=3Dhf_...: "3D" touches it, and
// soft line breaks split it). A blob without the marker costs one memchr pass.
#pragma once
#include <cstddef>
#include <string>

#include "escape_decoder.h"
#include "view.h"

namespace keyward {

// An "ansi" view of the lines holding an ESC byte, with CSI (ESC [ ... final), OSC
// (ESC ] ... BEL or ESC \) and two- and three-byte escape sequences removed. Returns false
// when there is none. Sets *incomplete when the view reached budget with more to decode.
bool decode_ansi_escapes(std::string_view data, const SkipSpans& skip, size_t budget, View& out,
                         std::string* incomplete);

// A "quoted-printable" view: =XX decoded and soft line breaks (= at the end of a line)
// joined, in blobs that say so (Content-Transfer-Encoding: quoted-printable) or hold
// "=3D", the way an "=" is written. Returns false when there is nothing to decode.
bool decode_quoted_printable(std::string_view data, const SkipSpans& skip, size_t budget, View& out,
                             std::string* incomplete);

}  // namespace keyward
