// Raw tree objects parsed in place: no allocation, no copy of names. A history sweep reads
// a million trees; libgit2's git_tree allocates an entry array per tree and its object
// cache keeps them.
#pragma once
#include <git2.h>

#include <cstdint>
#include <cstring>
#include <string_view>

namespace keyward {

struct RawTreeEntry {
  uint32_t mode = 0;  // as written (octal digits), before normalising
  std::string_view name;
  const unsigned char* oid = nullptr;  // GIT_OID_RAWSZ bytes inside the tree data
};

// Reads the entry at data[*at]: "<octal mode> <name>\0<20-byte id>". On success advances
// *at past it. False for a malformed entry (the rules libgit2's tree parser applies: a
// non-empty run of octal digits no larger than 0177777, a space, a NUL-terminated name of
// at most 65535 bytes, a whole id).
inline bool next_tree_entry(std::string_view data, size_t* at, RawTreeEntry* out) {
  const char* p = data.data() + *at;
  const char* end = data.data() + data.size();
  uint32_t mode = 0;
  const char* digits = p;
  while (p < end && *p != ' ') {
    if (*p < '0' || *p > '7') return false;
    mode = (mode << 3) + uint32_t(*p - '0');
    if (mode > 0177777) return false;
    ++p;
  }
  if (p == digits || p == end) return false;
  ++p;  // the space
  const char* nul = static_cast<const char*>(std::memchr(p, 0, size_t(end - p)));
  if (!nul || nul - p > 0xFFFF || end - (nul + 1) < GIT_OID_RAWSZ) return false;
  out->mode = mode;
  out->name = std::string_view(p, size_t(nul - p));
  out->oid = reinterpret_cast<const unsigned char*>(nul + 1);
  *at = size_t(nul + 1 + GIT_OID_RAWSZ - data.data());
  return true;
}

// What libgit2's git_tree_entry_filemode reports for a written mode.
inline git_filemode_t normalized_filemode(uint32_t mode) {
  uint32_t type = mode & 0170000;
  if (type == GIT_FILEMODE_TREE) return GIT_FILEMODE_TREE;
  if (mode & 0111) return GIT_FILEMODE_BLOB_EXECUTABLE;
  if (type == GIT_FILEMODE_COMMIT) return GIT_FILEMODE_COMMIT;
  if (type == GIT_FILEMODE_LINK) return GIT_FILEMODE_LINK;
  return GIT_FILEMODE_BLOB;
}

}  // namespace keyward
