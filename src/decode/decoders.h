// Decoders turn a blob into the views the matcher scans: always the blob itself, plus
// decodings where secrets hide (notebook cells, JSON escapes, base64, UTF-16).
#pragma once
#include <string_view>
#include <vector>

#include "view.h"

namespace keyward {

struct DecodeLimits {
  // Total bytes of decoded views per blob; their offset maps cost up to about twice that.
  size_t max_decoded_bytes = 32u << 20;
  int max_depth = 2;                      // base64 inside base64 ...
};

// views[0] is always the blob itself (identity map).
std::vector<View> decode_blob(std::string_view path, std::string_view data, BlobFacts& facts,
                              const DecodeLimits& limits = {});

// Git LFS pointer files are text stand-ins for content stored elsewhere.
bool is_lfs_pointer(std::string_view data);

}  // namespace keyward
