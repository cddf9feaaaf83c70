// Decoders turn a blob into the views the matcher scans: always the blob itself, plus
// decodings where secrets hide (notebook cells, JSON escapes, base64, UTF-16).
#pragma once
#include <string_view>
#include <vector>

#include "view.h"

namespace keyward {

// Every decoder's output is bounded by its input (at most 1.5 bytes per blob byte, base64
// 3/4), and offset maps are compact (one piece per line of wrapped base64, per run of
// literal text or of same-shaped escapes), so memory stays proportional to the blob. The
// budget guards that bound; a blob whose decodings would exceed it is not scanned in part:
// decode_blob sets facts.incomplete and the scan fails closed.
struct DecodeLimits {
  // Total bytes of decoded views per blob: base + per_byte x the blob's size.
  size_t base_decoded_bytes = 32u << 20;
  size_t per_byte = 2;
  // Base64 inside base64 ...: each layer is at most 4/5 of the one it decodes, so this
  // is never reached by real data; reaching it with more to decode fails closed too.
  int max_depth = 16;
  // Run a decoder only when find_triggers saw its trigger (triggers.h). Off only in the
  // tests that compare gated and ungated decoding.
  bool gated = true;
};

// views[0] is always the blob itself (identity map).
std::vector<View> decode_blob(std::string_view path, std::string_view data, BlobFacts& facts,
                              const DecodeLimits& limits = {});

// Git LFS pointer files are text stand-ins for content stored elsewhere.
bool is_lfs_pointer(std::string_view data);

}  // namespace keyward
