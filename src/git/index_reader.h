// Reads git's index file (gitformat-index, versions 2 to 4) straight from a memory map:
// its entries and its cached-tree (`TREE`) extension, without per-entry allocations. A split
// index (`link` extension: entries layered over a shared index file) is merged with its
// shared index; a sparse index (`sdir`) keeps its directory entries, which stand for whole
// trees that are unchanged in the index.
#pragma once
#include <git2.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mapped_file.h"
#include "result.h"

namespace keyward {

struct IndexEntry {
  std::string_view path;     // into the map (v2, v3) or into the decoded-path arena (v4)
  const unsigned char* oid;  // 20 raw bytes inside the map
  uint32_t mode;             // as stored: 0100644, 0100755, 0120000, 0160000
  bool intent_to_add;        // `git add -N`
  bool skip_worktree;
  // A sparse index's directory entry: mode 040000, path ending in '/', `oid` a tree id.
  bool sparse_dir() const { return (mode & 0170000) == 0040000; }
};

// One directory of the cached tree, flattened in the file's pre-order. Children of node i
// start at i + 1; node i's subtree spans `span` nodes (itself included).
struct CachedTreeNode {
  std::string_view name;  // path component; empty for the root
  int64_t entry_count;    // index entries it covers; negative when invalidated
  uint32_t subtrees;      // number of direct children
  uint32_t span;
  git_oid id;             // meaningful only when entry_count >= 0
  bool valid() const { return entry_count >= 0; }
};

class IndexFile {
 public:
  IndexFile() = default;
  ~IndexFile();
  IndexFile(const IndexFile&) = delete;
  IndexFile& operator=(const IndexFile&) = delete;

  // Maps and parses `path`. A split index's shared index is looked up as git does: in
  // `gitdir` (the repository's, or a linked worktree's, git directory), then next to `path`.
  // Errors with ErrorCode::Unsupported mean the file uses a feature this reader
  // does not handle (unmerged entries, unusual modes or order) and libgit2 should be asked
  // instead; any other error means the file is unreadable, corrupt, or uses a mandatory
  // extension no reader here knows, and the message names it.
  Status load(const std::string& path, const std::string& gitdir = "");

  // Parses an index image held in memory (tests, fuzzing). `data` must outlive this object.
  // A split index parsed this way is not merged: entries() are then its own entries only.
  Status parse(const unsigned char* data, size_t size, const std::string& name);

  // Merges a split index parsed by parse() with its shared index, parsed into `shared`.
  Status merge_shared(std::unique_ptr<IndexFile> shared);

  uint32_t version() const { return version_; }
  bool split() const { return has_link_; }
  bool sparse() const { return has_sdir_; }
  // The shared index a split index names (valid when split()); all zero: none.
  const unsigned char* shared_id() const { return link_id_; }
  // The trailing checksum of the file (what a split index's `link` names when shared).
  const unsigned char* checksum() const { return checksum_; }
  const std::vector<IndexEntry>& entries() const { return entries_; }
  // Empty when the index has no TREE extension.
  const std::vector<CachedTreeNode>& cached_tree() const { return tree_; }

 private:
  Status corrupt(const std::string& what) const;
  Status parse_entries(const unsigned char*& p, const unsigned char* end, uint32_t count);
  Status parse_extensions(const unsigned char* p, const unsigned char* end);
  Status parse_tree(const unsigned char* p, const unsigned char* end);
  Status parse_link(const unsigned char* p, const unsigned char* end);
  Status check_entries() const;

  std::string name_;
  MappedFile map_;
  uint32_t version_ = 0;
  std::vector<IndexEntry> entries_;
  std::vector<char> arena_;  // v4 decoded paths
  std::vector<CachedTreeNode> tree_;
  bool has_link_ = false, has_sdir_ = false;
  unsigned char link_id_[20] = {};
  unsigned char checksum_[20] = {};
  // The link extension's delete and replace bitmaps (empty: none), decoded when merging.
  std::pair<const unsigned char*, const unsigned char*> link_bitmaps_{};
  std::unique_ptr<IndexFile> shared_;  // owns the bytes of merged entries' paths
};

}  // namespace keyward
