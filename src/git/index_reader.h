// Reads git's index file (gitformat-index, versions 2 to 4) straight from a memory map:
// its entries and its cached-tree (`TREE`) extension, without per-entry allocations.
#pragma once
#include <git2.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace keyward {

struct IndexEntry {
  std::string_view path;     // into the map (v2, v3) or into the decoded-path arena (v4)
  const unsigned char* oid;  // 20 raw bytes inside the map
  uint32_t mode;             // as stored: 0100644, 0100755, 0120000, 0160000
  bool intent_to_add;        // `git add -N`
  bool skip_worktree;
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

  // Maps and parses `path`. Errors whose message starts with "unsupported:" mean the file
  // uses a feature this reader does not handle (unmerged entries, split or sparse index,
  // unknown required extension) and libgit2 should be asked instead; any other error means
  // the file is unreadable or corrupt, and the message names it.
  Status load(const std::string& path);

  // Parses an index image held in memory (tests, fuzzing). `data` must outlive this object.
  Status parse(const unsigned char* data, size_t size, const std::string& name);

  uint32_t version() const { return version_; }
  const std::vector<IndexEntry>& entries() const { return entries_; }
  // Empty when the index has no TREE extension.
  const std::vector<CachedTreeNode>& cached_tree() const { return tree_; }

 private:
  Status corrupt(const std::string& what) const;
  Status parse_entries(const unsigned char*& p, const unsigned char* end, uint32_t count);
  Status parse_extensions(const unsigned char* p, const unsigned char* end);
  Status parse_tree(const unsigned char* p, const unsigned char* end);

  std::string name_;
  void* map_ = nullptr;
  size_t map_size_ = 0;
  uint32_t version_ = 0;
  std::vector<IndexEntry> entries_;
  std::vector<char> arena_;  // v4 decoded paths
  std::vector<CachedTreeNode> tree_;
};

}  // namespace keyward
