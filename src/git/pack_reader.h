// Reads objects straight from mapped packs, resolving delta chains with a bounded cache of
// resolved objects keyed by pack position. A history sweep reads every tree of every
// commit, and each tree is a delta of another version of the same directory: libgit2's
// per-pack base cache (1,024 entries) forgets those bases within one commit of a wide
// tree, so each read re-inflates a chain up to 50 deep. git keeps 96 MiB of bases.
//
// A plain LRU of bases still re-inflates chains on a wide tree: a directory changed every
// few commits has its base a few thousand trees back, behind every other directory's. So
// a sweep's reader (Mode::Sweep, Mode::Diffs) first learns each pack's layout from its
// entries' headers (which objects are bases of how many deltas) and keeps, ahead of
// everything else, the objects still owed: a base with deltas not yet resolved from it, or
// an object resolved on the way to another but not yet asked for itself. Those are what
// the next reads need. On fast-import's packs (each tree a delta of its previous version)
// that is about one tree per directory; on git repack's (newer versions whole, older ones
// deltas of them) the versions a walk from the oldest commit has resolved and not yet
// reached. A walk asks for each tree once, so Mode::Sweep drops an object the moment it is
// owed nothing; Mode::Diffs (a diff asks for a tree again, as the next commit's parent)
// keeps those too, least recently used first out, and counts as owed only bases with
// deltas unresolved (a diff that starts late never asks for what it resolved on the way).
// One reader per thread.
#pragma once
#include <git2.h>
#include <zlib.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "pack_order.h"

namespace keyward {

class PackObjectReader {
 public:
  using Data = std::shared_ptr<const std::string>;
  enum class Mode {
    Few,    // a few reads (a range, a push): plain LRU, nothing learnt up front
    Sweep,  // every tree once (a history walk): learn the layout, keep only what is owed
    Diffs,  // every commit diffed with its parents (attribution): learn the layout, owed first
  };

  explicit PackObjectReader(const PackIndexes& packs, size_t cache_bytes = size_t(40) << 20,
                            Mode mode = Mode::Few);
  ~PackObjectReader();
  PackObjectReader(const PackObjectReader&) = delete;
  PackObjectReader& operator=(const PackObjectReader&) = delete;

  // The object's type and content, or null when it must be read another way (loose, in no
  // mapped pack, a base in another pack, or anything malformed: libgit2 then says what is
  // wrong with it). The content stays valid for as long as the caller holds it.
  Data read(const git_oid& id, git_object_t* type);

  // The size of the object stored at `pos` without resolving it: a whole object's header
  // says it, a delta's instructions start with it. False when that cannot be read.
  bool size_at(const PackPosition& pos, uint64_t* size);

  size_t cache_hits() const { return hits_; }
  size_t cache_misses() const { return misses_; }
  size_t cached_bytes() const { return used_; }

 private:
  static constexpr uint32_t kNil = UINT32_MAX;
  // One pack's layout (Mode::Sweep, Mode::Diffs): its objects by offset and what each is still owed.
  struct Layout {
    bool built = false;
    std::vector<uint64_t> offsets;  // sorted; an object's ordinal is its index here
    std::vector<uint16_t> owed;     // deltas based on it not resolved yet (saturating)
    std::vector<uint8_t> flags;     // kResolved, kAsked
    std::vector<uint32_t> slot;     // its cache slot, or kNil
  };
  // Where an object is: its pack position and, with a layout, its ordinal.
  struct Where {
    PackPosition pos;
    uint32_t ordinal = kNil;
  };
  struct Slot {
    Where at;
    git_object_t type = GIT_OBJECT_INVALID;
    std::shared_ptr<std::string> data;
    uint32_t prev = kNil, next = kNil;
    uint8_t list = 0;  // kOwed or kFree
  };
  struct List {
    uint32_t head = kNil, tail = kNil;  // most recent first
  };

  bool learns() const { return mode_ != Mode::Few; }
  Layout* layout(uint32_t pack);
  bool locate(uint32_t pack, uint64_t offset, Where* out);
  uint32_t slot_of(const Where& w) const;
  bool owed(const Where& w) const;
  void settle(const Where& w);  // puts a cached object on the list its debts say
  Data read_at(const Where& w, git_object_t* type);
  bool inflate_to(const PackIndexes::Entry& e, std::string& out);
  std::shared_ptr<std::string> buffer();
  void remember(const Where& w, git_object_t type, const std::shared_ptr<std::string>& data);
  void evict(uint32_t slot);
  void unlink(uint32_t slot);
  void push_front(uint32_t slot, uint8_t list);

  const PackIndexes& packs_;
  size_t limit_, used_ = 0;
  Mode mode_;
  std::vector<Layout> layouts_;
  std::unordered_map<uint64_t, uint32_t> by_position_;  // Mode::Few: (pack, offset) -> slot
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  List lists_[2];
  std::vector<std::shared_ptr<std::string>> spare_;  // evicted buffers, reused
  struct Link {
    Where at;
    PackIndexes::Entry entry;
  };
  std::vector<Link> chain_;
  z_stream zs_{};
  bool zok_ = false;
  std::string delta_;
  size_t hits_ = 0, misses_ = 0;
};

// Applies a git delta to `base`; false for a malformed delta or one that does not fit.
bool apply_git_delta(std::string_view base, std::string_view delta, std::string& out);

}  // namespace keyward
