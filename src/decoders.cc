#include "decoders.h"

#include <algorithm>

namespace keyward {

namespace {

bool is_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

// Strict, as the LFS spec writes them: a file that merely starts like a pointer (and then
// holds anything else, a token say) is not one and is scanned.
bool is_lfs_pointer(std::string_view data) {
  static constexpr std::string_view kHeader = "version https://git-lfs.github.com/spec/v1\n";
  if (data.size() >= 1024 || data.substr(0, kHeader.size()) != kHeader || data.back() != '\n') return false;
  bool oid = false, size = false;
  for (std::string_view rest = data.substr(kHeader.size()); !rest.empty();) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    if (line.substr(0, 11) == "oid sha256:" && is_hex64(line.substr(11))) {
      oid = true;
    } else if (line.substr(0, 5) == "size " && all_digits(line.substr(5))) {
      size = true;
    } else if (line.substr(0, 4) == "ext-") {
      size_t sp = line.find(" sha256:");
      if (sp == std::string_view::npos || !is_hex64(line.substr(sp + 8))) return false;
      for (char c : line.substr(4, sp - 4))
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-')) return false;
    } else {
      return false;
    }
  }
  return oid && size;
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
