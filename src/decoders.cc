#include "decoders.h"

namespace keyward {

bool is_lfs_pointer(std::string_view data) {
  static constexpr std::string_view kHeader = "version https://git-lfs.github.com/spec/v1\n";
  return data.size() < 1024 && data.substr(0, kHeader.size()) == kHeader &&
         data.find("\noid sha256:") != std::string_view::npos;
}

std::vector<View> decode_blob(std::string_view, std::string_view data, BlobFacts& facts,
                              const DecodeLimits&) {
  std::vector<View> views;
  if (is_lfs_pointer(data)) {
    facts.not_scanned = "Git LFS pointer (the content lives in LFS storage)";
    return views;
  }
  View raw;
  raw.text = data;
  views.push_back(std::move(raw));
  return views;
}

}  // namespace keyward
