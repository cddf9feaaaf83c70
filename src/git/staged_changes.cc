#include "staged_changes.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <unordered_set>

#include <fmt/format.h>

#include "git_handles.h"

namespace keyward {

Result<TreePtr> head_tree(git_repository* repo) {
  git_reference* head_ref = nullptr;
  int rc = git_repository_head(&head_ref, repo);
  if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) return TreePtr();
  if (rc != 0) return Error{fmt::format("cannot resolve HEAD: {}", git_error_text())};
  ReferencePtr ref(head_ref);
  git_object* obj = nullptr;
  if (git_reference_peel(&obj, ref.get(), GIT_OBJECT_TREE) != 0)
    return Error{fmt::format("cannot read HEAD's tree: {}", git_error_text())};
  return TreePtr(reinterpret_cast<git_tree*>(obj));
}

Result<StagedSet> staged_changes_libgit2(git_repository* repo) {
  StagedSet out;
  git_index* raw_index = nullptr;
  if (git_repository_index(&raw_index, repo) != 0)
    return Error{fmt::format("cannot read the index: {}", git_error_text())};
  IndexPtr index(raw_index);

  auto head = head_tree(repo);
  if (!head) return Error{head.error()};
  TreePtr tree = std::move(*head);
  out.unborn_head = !tree;

  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = GIT_DIFF_INCLUDE_TYPECHANGE;
  git_diff* raw_diff = nullptr;
  if (git_diff_tree_to_index(&raw_diff, repo, tree.get(), index.get(), &opts) != 0)
    return Error{fmt::format("cannot compare the index with HEAD: {}", git_error_text())};
  DiffPtr diff(raw_diff);

  // Blobs that HEAD already holds under a deleted path: their re-adding elsewhere is an
  // exact rename and adds no content.
  std::unordered_set<git_oid, OidHash, OidEq> deleted_blobs;
  size_t n = git_diff_num_deltas(diff.get());
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    if (d->status == GIT_DELTA_DELETED) {
      ++out.deleted;
      deleted_blobs.insert(d->old_file.id);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    StagedChange c;
    switch (d->status) {
      case GIT_DELTA_ADDED:
        if (deleted_blobs.count(d->new_file.id)) continue;
        c.kind = StagedChange::Kind::Added;
        break;
      case GIT_DELTA_MODIFIED:
        c.kind = StagedChange::Kind::Modified;
        c.old_id = d->old_file.id;
        c.old_mode = d->old_file.mode;
        break;
      case GIT_DELTA_TYPECHANGE:
        // A symlink that became a file (or back): its content is all new.
        c.kind = StagedChange::Kind::Added;
        break;
      default:
        continue;
    }
    if (git_oid_equal(&d->old_file.id, &d->new_file.id) && d->status == GIT_DELTA_MODIFIED) continue;
    c.path = d->new_file.path;
    c.new_id = d->new_file.id;
    c.new_mode = d->new_file.mode;
    out.changes.push_back(std::move(c));
  }
  std::sort(out.changes.begin(), out.changes.end(),
            [](const StagedChange& a, const StagedChange& b) { return a.path < b.path; });
  return out;
}

Result<StagedSet> staged_changes(git_repository* repo) {
  const char* force = std::getenv("KEYWARD_INDEX");
  if (!(force && std::strcmp(force, "libgit2") == 0)) {
    auto fast = staged_changes_fast(repo);
    if (fast || fast.error().rfind("unsupported:", 0) != 0) return fast;
  }
  return staged_changes_libgit2(repo);
}

}  // namespace keyward
