// Wide text (Windows tools write UTF-16, with or without a byte-order mark; some write
// UTF-32) is transcoded to UTF-8 so rules written for ASCII see it; ASCII maps back with a
// stride of two (four) bytes. Secrets are ASCII, so what matters is that every ASCII code
// unit reaches the matcher, and that a file is only read as wide text when it is one.
#pragma once
#include <cstddef>
#include <string_view>

#include "view.h"

namespace keyward {

enum class Utf16Bom { None, Le, Be };
Utf16Bom utf16_bom(std::string_view data);

// The blob as wide text: a "utf-32" or "utf-16" view (whole_text set: lines and columns are
// counted in it) when the blob starts with a BOM and every code unit after it is valid
// text, or has no BOM and shows the zero-byte pattern of mostly-ASCII wide text. At most
// budget bytes. False otherwise: the bytes are then text as they are.
bool decode_wide_text(std::string_view data, size_t budget, View& out);

// Only the UTF-16 decoding of decode_wide_text (tests and callers that know the encoding).
bool decode_utf16(std::string_view data, size_t budget, View& out);

// For a blob that is not wide text as a whole: a "utf-16" view of every run of at least
// kMinUtf16Run ASCII characters in UTF-16 (LE or BE, at any alignment), each followed by a
// newline. Catches UTF-16 inside binaries, after a bad BOM, or in a mixed file. Located in
// the blob's own bytes (whole_text is false).
inline constexpr size_t kMinUtf16Run = 8;
bool decode_utf16_runs(std::string_view data, size_t budget, View& out);

// The same for UTF-32 (LE or BE): a "utf-32" view of every run of at least kMinUtf16Run
// ASCII characters. numpy stores string arrays (.npy, and .npz entries) so, with no BOM.
bool decode_utf32_runs(std::string_view data, size_t budget, View& out);

// PowerShell `-EncodedCommand` (or any prefix PowerShell accepts: -e, -ec, -enc, ...)
// arguments in src: base64 of UTF-16LE. A "powershell-encoded" view of the commands'
// ASCII text, each character mapped to the base64 characters that hold it.
bool decode_encoded_commands(const View& src, size_t budget, View& out);

}  // namespace keyward
