// Most blobs are plain text no decoder has anything to do with, yet each decoder would look
// for its own markers over every byte. One vectorised pass over the blob finds every
// decoder's trigger at once; a decoder whose trigger is absent is not run. Each trigger is
// a necessary condition of its decoder's output (the decoder itself reads that byte or
// pair before it decodes anything), so a gate never skips a decoding that would exist:
// decode_blob's gated and ungated runs give the same views (decoders_gate_test.cc).
#pragma once
#include <cstddef>
#include <string_view>

namespace keyward {

struct BlobTriggers {
  bool nul = false;        // a zero byte: UTF-16/UTF-32 text or runs
  bool backslash = false;  // JSON / C escapes
  bool percent = false;    // URL percent-encoding
  bool html_ref = false;   // "&#": numeric character references
  bool esc = false;        // an ESC byte: ANSI sequences
  bool qp = false;         // "=3D", "=3d" or the words "quoted-printable" (3 spellings)
  bool data_uri = false;   // ";ba" (";base64,")
  bool ps_switch = false;  // "-e"/"/e" (any case) not after a word character or '/'
  bool base64_run = false; // kMinBase64Run base64 characters in a row
};

// One pass over data, 16 bytes at a time where SSE2 is available.
BlobTriggers find_triggers(std::string_view data);

// The first p >= from where data[p, p + kMinBase64Run) are all base64 characters (either
// alphabet), else data.size(). What decode_base64_runs skips to instead of probing.
size_t next_base64_window(std::string_view data, size_t from);

}  // namespace keyward
