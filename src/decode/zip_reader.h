// The bits of a zip reader that the pickle decoder (torch.save's archives) and the
// compressed-content decoder share: the central directory, and raw deflate.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace keyward {

struct ZipMember {
  std::string_view name;
  unsigned method = 0, flags = 0;
  uint64_t csize = 0, usize = 0, local = 0;
};

// Whether d holds the 4-byte signature s at `at`.
bool zip_sig(std::string_view d, uint64_t at, const char* s);
// The central directory's entries; false when there is no readable one.
bool zip_members(std::string_view d, std::vector<ZipMember>& out);
// Raw deflate into exactly usize bytes; false when the stream is bad or not that long.
bool inflate_member(std::string_view in, std::string& out, size_t usize);

}  // namespace keyward
