// Every distinct path a history walk meets, interned as (parent directory, name): a walk
// of a million trees then costs one hash probe per entry instead of one path string, and a
// blob keeps a 4-byte path id instead of a string. Paths are materialised only when asked
// for (a blob about to be scanned, a finding, a new name for the name scan).
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace keyward {

class PathTable {
 public:
  static constexpr uint32_t kRoot = 0;         // the empty path (a root tree's entries hang off it)
  static constexpr uint32_t kNone = UINT32_MAX;  // no path at all (a blob no tree names)

  PathTable();
  ~PathTable();
  PathTable(PathTable&&) noexcept;
  PathTable& operator=(PathTable&&) noexcept;

  // The id of parent/name (name without '/'); *fresh says it was not met before.
  uint32_t intern(uint32_t parent, std::string_view name, bool* fresh = nullptr);
  // The id of a whole path "a/b/c" (interning each component).
  uint32_t intern_path(std::string_view path);

  // "a/b/c" for an id ("" for kRoot and kNone). Safe to call from other threads for ids
  // handed to them after intern returned (through a mutex, as a job queue does), while the
  // owning thread goes on interning: nodes and names never move once written.
  std::string path(uint32_t id) const;
  void append_path(uint32_t id, std::string& out) const;
  // The end of the path: its last component whole and up to `context` bytes of the path
  // before it, appended to out (the whole path when it is that short). Costs what it
  // appends, not the path's depth.
  void append_tail(uint32_t id, size_t context, std::string& out) const;

  size_t size() const { return count_; }

 private:
  struct Node {
    const char* name;
    uint32_t len;
    uint32_t parent;
  };
  static constexpr unsigned kChunkBits = 14;
  static constexpr uint32_t kChunk = 1u << kChunkBits;
  static constexpr size_t kMaxChunks = size_t(1) << 18;  // 4G nodes

  const Node& node(uint32_t id) const { return (*chunks_)[id >> kChunkBits][id & (kChunk - 1)]; }
  const char* store_name(std::string_view name);
  void grow_index();

  std::unique_ptr<std::array<std::unique_ptr<Node[]>, kMaxChunks>> chunks_;
  std::vector<std::unique_ptr<char[]>> name_blocks_;
  char* block_at_ = nullptr;
  size_t block_left_ = 0;
  std::vector<uint32_t> index_;  // open addressing: node id + 1, 0 = empty
  std::vector<uint32_t> hashes_;  // per node, the low bits of its hash (rehash without rereading names)
  uint32_t count_ = 0;
};

}  // namespace keyward
