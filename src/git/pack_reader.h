// Reads objects straight from mapped packs, resolving delta chains with a cache of
// resolved objects keyed by pack position. A history sweep reads every tree of every
// commit, and each tree is a delta of its previous version: libgit2's per-pack base cache
// (1,024 entries) forgets those bases within one commit of a wide tree, so each read
// re-inflates a chain up to 50 deep. git keeps 96 MiB of bases; so does this, bounded.
// One reader per thread.
#pragma once
#include <git2.h>
#include <zlib.h>

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "pack_order.h"

namespace keyward {

class PackObjectReader {
 public:
  using Data = std::shared_ptr<const std::string>;

  explicit PackObjectReader(const PackIndexes& packs, size_t cache_bytes = size_t(40) << 20);
  ~PackObjectReader();
  PackObjectReader(const PackObjectReader&) = delete;
  PackObjectReader& operator=(const PackObjectReader&) = delete;

  // The object's type and content, or null when it must be read another way (loose, in no
  // mapped pack, a base in another pack, or anything malformed: libgit2 then says what is
  // wrong with it). The content stays valid for as long as the caller holds it.
  Data read(const git_oid& id, git_object_t* type);

  size_t cache_hits() const { return hits_; }
  size_t cache_misses() const { return misses_; }

 private:
  struct Cached {
    uint64_t key;
    git_object_t type;
    Data data;
  };
  Data read_at(PackPosition pos, git_object_t* type);
  bool inflate_to(const PackIndexes::Entry& e, std::string& out);
  const Cached* lookup(uint64_t key);
  void remember(uint64_t key, git_object_t type, const Data& data);

  const PackIndexes& packs_;
  size_t limit_, used_ = 0;
  std::list<Cached> lru_;  // most recent first
  std::unordered_map<uint64_t, std::list<Cached>::iterator> cache_;
  z_stream zs_{};
  bool zok_ = false;
  std::string delta_;
  size_t hits_ = 0, misses_ = 0;
};

// Applies a git delta to `base`; false for a malformed delta or one that does not fit.
bool apply_git_delta(std::string_view base, std::string_view delta, std::string& out);

}  // namespace keyward
