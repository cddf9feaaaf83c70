// What `git commit` would record, as blob changes against HEAD: the staged set that the
// pre-commit scan reads. Two implementations with one contract: libgit2's diff (the
// reference, handles everything) and a fast path that reads the index file directly and
// skips subtrees the cached-tree extension proves unchanged.
#pragma once
#include <git2.h>

#include <string>
#include <vector>

#include "git_handles.h"
#include "result.h"

namespace keyward {

struct StagedChange {
  enum class Kind { Added, Modified };
  Kind kind = Kind::Added;
  std::string path;    // new path, relative to the repository root, '/'-separated
  git_oid old_id{};    // zero for Added
  git_oid new_id{};    // the staged blob
  uint32_t old_mode = 0, new_mode = 0;  // git file modes (0100644, 0100755, 0120000, 0160000)
  // An exact rename (or copy over a deletion): kind Added, and HEAD held this same blob at
  // these paths, which the index no longer has. Sorted. Such a change adds no content in
  // git's sense; only a policy that differs between the places can make it matter.
  std::vector<std::string> renamed_from;
  // A conflicted path (a merge in progress): 2 for "ours", 3 for "theirs"; 0 otherwise.
  int conflict_stage = 0;
};

struct StagedSet {
  std::vector<StagedChange> changes;  // sorted by path; blobs and symlinks, gitlinks included
  size_t deleted = 0;                 // deletions, reported only as a count
  bool unborn_head = false;           // first commit: everything is Added
  std::vector<std::string> conflicted;  // paths with unmerged entries, sorted
};

// Which index to read and how; the cli fills it from the environment.
struct StagedOptions {
  // $GIT_INDEX_FILE: hooks run by `git commit -a` or `git commit PATH` are handed a
  // temporary index; "" = the repository's own.
  std::string index_file;
  bool reference_only = false;  // $KEYWARD_INDEX=libgit2: always the reference implementation
};

// The index file git would use: `index_file` when given, else the repository's.
Result<std::string> index_file_path(git_repository* repo, const std::string& index_file = "");

// HEAD's tree, or null when HEAD is unborn (before the first commit).
Result<TreePtr> head_tree(git_repository* repo);

// Reference implementation: git_diff_tree_to_index against HEAD's tree (or the empty tree).
// Exact renames (same blob, new path) carry renamed_from. Unmerged paths give their "ours"
// and "theirs" blobs where they differ from HEAD's (against HEAD's blob at that path).
Result<StagedSet> staged_changes_libgit2(git_repository* repo, const StagedOptions& opts = {});

// Fast path. Returns an Error with ErrorCode::Unsupported when the index uses a feature it
// does not handle; callers then fall back to staged_changes_libgit2.
Result<StagedSet> staged_changes_fast(git_repository* repo, const StagedOptions& opts = {});

// Fast path when it can, libgit2 otherwise (opts.reference_only forces the reference).
Result<StagedSet> staged_changes(git_repository* repo, const StagedOptions& opts = {});

}  // namespace keyward
