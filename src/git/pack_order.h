// Where objects sit in the pack files, read straight from the .idx files, so that blobs
// can be read in pack order (sequential I/O, delta bases still cached) instead of the id
// order that libgit2's git_odb_foreach gives.
#pragma once
#include <git2.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace keyward {

struct PackPosition {
  uint32_t pack = UINT32_MAX;  // UINT32_MAX: not in any pack (loose, or missing)
  uint64_t offset = 0;
};

class PackIndexes {
 public:
  PackIndexes();
  ~PackIndexes();
  PackIndexes(PackIndexes&&) noexcept;
  PackIndexes& operator=(PackIndexes&&) noexcept;

  // Maps every .idx file under objects_dir/pack and the alternates' pack directories.
  // Unreadable or unknown-format files are skipped: order is an optimisation only.
  static PackIndexes open(const std::string& objects_dir);

  // Another handle on the same mappings (a walk and a blob scan then share their pages).
  PackIndexes share() const;

  PackPosition find(const git_oid& id) const;
  size_t packs() const;

  // An object stored whole (not as a delta) at `pos`: its type and size, and its zlib
  // stream (which runs at most to the end of the pack). False for deltas, for a pack file
  // that could not be mapped, or for a malformed entry: read such objects through libgit2.
  struct Whole {
    git_object_t type = GIT_OBJECT_INVALID;
    uint64_t size = 0;
    const unsigned char* zdata = nullptr;
    size_t zavail = 0;
  };
  bool whole(const PackPosition& pos, Whole* out) const;

  // Any object's entry at `pos`: a whole object (type 1-4), or a delta (OFS_DELTA 6 with
  // base_offset in the same pack, REF_DELTA 7 with base_id) whose zlib stream holds the
  // delta instructions and `size` their inflated length. False for a pack that could not be
  // mapped or a malformed entry.
  struct Entry {
    int type = 0;
    uint64_t size = 0;
    const unsigned char* zdata = nullptr;
    size_t zavail = 0;
    uint64_t base_offset = 0;
    git_oid base_id{};
  };
  bool entry(const PackPosition& pos, Entry* out) const;

  // Where every object of pack `pack` starts, in the .idx's order (empty for a pack out of
  // range): a reader that learns a pack's layout (pack_reader.h) walks them.
  std::vector<uint64_t> offsets(uint32_t pack) const;

 private:
  struct Index;
  std::vector<std::shared_ptr<Index>> indexes_;
};

}  // namespace keyward
