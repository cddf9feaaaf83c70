// A compact oid -> index map for the millions of objects a history walk meets: the ids
// live once, in the caller's array, and the table holds 8 bytes per slot (the index and
// four bytes of the id, so most probes never touch the array). std::unordered_map spends
// about 64 bytes and an allocation per entry.
#pragma once
#include <git2.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace keyward {

class OidIndex {
 public:
  OidIndex() : slots_(1024, 0) {}

  // The index stored for `id`, or `next` (stored now) when it is new: *fresh says which.
  // key_at(i) returns the id at index i of the caller's array.
  template <class KeyAt>
  uint32_t find_or_insert(const git_oid& id, uint32_t next, const KeyAt& key_at, bool* fresh) {
    uint32_t tag = prefix(id);
    size_t mask = slots_.size() - 1;
    size_t i = spread(id) & mask;
    for (;; i = (i + 1) & mask) {
      uint64_t s = slots_[i];
      if (!s) break;
      if (uint32_t(s >> 32) == tag) {
        uint32_t at = uint32_t(s) - 1;
        if (std::memcmp(key_at(at).id, id.id, GIT_OID_RAWSZ) == 0) {
          *fresh = false;
          return at;
        }
      }
    }
    slots_[i] = (uint64_t(tag) << 32) | (uint64_t(next) + 1);
    *fresh = true;
    if (++count_ * 2 > slots_.size()) grow(key_at);
    return next;
  }

  template <class KeyAt>
  bool find(const git_oid& id, const KeyAt& key_at, uint32_t* out) const {
    uint32_t tag = prefix(id);
    size_t mask = slots_.size() - 1;
    for (size_t i = spread(id) & mask;; i = (i + 1) & mask) {
      uint64_t s = slots_[i];
      if (!s) return false;
      if (uint32_t(s >> 32) == tag && std::memcmp(key_at(uint32_t(s) - 1).id, id.id, GIT_OID_RAWSZ) == 0) {
        *out = uint32_t(s) - 1;
        return true;
      }
    }
  }

  size_t size() const { return count_; }

 private:
  // Object ids are uniform already: two different 4-byte windows serve as slot and tag.
  static uint32_t prefix(const git_oid& id) {
    uint32_t v;
    std::memcpy(&v, id.id + 4, sizeof v);
    return v;
  }
  static size_t spread(const git_oid& id) {
    uint64_t v;
    std::memcpy(&v, id.id + 8, sizeof v);
    return size_t(v);
  }
  template <class KeyAt>
  void grow(const KeyAt& key_at) {
    std::vector<uint64_t> bigger(slots_.size() * 2, 0);
    size_t mask = bigger.size() - 1;
    for (uint64_t s : slots_) {
      if (!s) continue;
      size_t i = spread(key_at(uint32_t(s) - 1)) & mask;
      while (bigger[i]) i = (i + 1) & mask;
      bigger[i] = s;
    }
    slots_ = std::move(bigger);
  }

  std::vector<uint64_t> slots_;  // (tag << 32) | (index + 1); 0 = empty
  size_t count_ = 0;
};

}  // namespace keyward
