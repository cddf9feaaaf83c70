// Walking a repository's history: the commits reachable from every ref in history order,
// the distinct blobs their trees hold (with a path to scan each under), and the blobs a
// single commit introduces. Missing objects (shallow and partial clones) are counted, never
// fetched.
#pragma once
#include <git2.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "git_handles.h"
#include "result.h"

namespace keyward {

template <class V>
using OidMap = std::unordered_map<git_oid, V, OidHash, OidEq>;

struct CommitNode {
  git_oid id;
  git_oid tree;
  std::vector<git_oid> parents;  // only the parents present in the repository
  bool boundary = false;         // some parent is missing (shallow clone, partial history)
  int64_t time = 0;              // committer time
};

// Commits in history order: parents before children, older before newer among
// independent lines (Kahn's algorithm with the committer time as the tie-break).
struct CommitGraph {
  std::vector<CommitNode> commits;
  std::vector<git_oid> root_trees;  // trees and blobs that refs (tags) name directly
  std::vector<git_oid> root_blobs;
  size_t missing_commits = 0;       // named by a ref or parent but absent
  size_t refs = 0;
};

// Commits reachable from every ref (and HEAD, and every stash entry in the stash's reflog);
// with every_commit, also every commit object in the database (dangling ones included).
Result<CommitGraph> load_history(git_repository* repo, bool every_commit);

// The commits in `tips` not reachable from `hide`, in history order.
Result<CommitGraph> load_range(git_repository* repo, const std::vector<git_oid>& tips,
                               const std::vector<git_oid>& hide);

// One distinct blob to scan and the path to scan it under: the first path met that the
// allowlist does not cover, or (when every path is allowlisted) the first path met.
struct BlobEntry {
  git_oid id;
  std::string path;
  bool scannable = false;  // some path is not allowlisted
};

struct BlobSet {
  std::vector<BlobEntry> blobs;
  OidMap<uint32_t> index;  // oid -> position in blobs
  size_t gitlinks = 0;     // submodule entries, not scanned
  size_t missing_trees = 0;
};

// Every distinct blob in the trees of `graph` (each tree read once per path prefix that
// matters to the allowlist). `on_scannable(i, blob)` (optional) is called the moment
// blobs[i] becomes scannable, with blob.path already the path it will keep: the first
// path met that the allowlist does not cover. Blobs that stay allowlisted never get a call.
using ScannableFn = std::function<void(uint32_t index, const BlobEntry& blob)>;
Result<BlobSet> collect_blobs(git_repository* repo, const CommitGraph& graph,
                              const std::function<bool(std::string_view)>& path_allowed,
                              const ScannableFn& on_scannable = nullptr);

// Calls `fn(blob, path)` for each blob that `commit` introduces: present at a path in the
// commit's tree but at no parent's same path. A root or boundary commit introduces all.
// Subtrees equal to a parent's are skipped without being read.
using IntroducedFn = std::function<void(const git_oid& blob, const std::string& path)>;
Status introduced_blobs(git_repository* repo, const CommitNode& commit, const IntroducedFn& fn,
                        size_t* missing_trees = nullptr);

}  // namespace keyward
