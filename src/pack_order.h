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

  PackPosition find(const git_oid& id) const;
  size_t packs() const;

 private:
  struct Index;
  std::vector<std::unique_ptr<Index>> indexes_;
};

}  // namespace keyward
