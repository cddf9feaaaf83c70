#include "staged_changes.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <tuple>
#include <unordered_map>

#include <git2/sys/repository.h>

#include <fmt/format.h>

#include "git_handles.h"

namespace keyward {
namespace {

// Unmerged paths (a merge, rebase, cherry-pick or stash pop stopped on a conflict): what
// each side brings is content being merged into HEAD, so "ours" and "theirs" are staged
// changes wherever they differ from HEAD's blob at that path. The base (stage 1) is older
// than both and adds nothing.
Status add_conflicts(git_index* index, git_tree* head, StagedSet& out) {
  if (!git_index_has_conflicts(index)) return std::nullopt;
  git_index_conflict_iterator* raw = nullptr;
  if (git_index_conflict_iterator_new(&raw, index) != 0)
    return Error{fmt::format("cannot list the conflicted paths of the index: {}", git_error_text())};
  std::unique_ptr<git_index_conflict_iterator, void (*)(git_index_conflict_iterator*)> it(
      raw, git_index_conflict_iterator_free);
  const git_index_entry *base = nullptr, *ours = nullptr, *theirs = nullptr;
  int rc;
  while ((rc = git_index_conflict_next(&base, &ours, &theirs, it.get())) == 0) {
    const char* path = ours ? ours->path : theirs ? theirs->path : base->path;
    out.conflicted.emplace_back(path);
    git_tree_entry* raw_te = nullptr;
    std::unique_ptr<git_tree_entry, void (*)(git_tree_entry*)> te(nullptr, git_tree_entry_free);
    if (head && git_tree_entry_bypath(&raw_te, head, path) == 0) te.reset(raw_te);
    git_error_clear();
    const git_oid* head_id = te ? git_tree_entry_id(te.get()) : nullptr;
    uint32_t head_mode = te ? git_tree_entry_filemode_raw(te.get()) : 0;
    bool head_blob = te && git_tree_entry_type(te.get()) == GIT_OBJECT_BLOB;
    for (const git_index_entry* side : {ours, theirs}) {
      if (!side) continue;
      if (side == theirs && ours && git_oid_equal(&ours->id, &theirs->id)) continue;  // same content
      if (head_id && git_oid_equal(head_id, &side->id)) continue;
      StagedChange c;
      c.path = path;
      c.new_id = side->id;
      c.new_mode = side->mode;
      c.conflict_stage = side == ours ? 2 : 3;
      if (head_blob && (head_mode & 0170000) == (side->mode & 0170000)) {
        c.kind = StagedChange::Kind::Modified;
        c.old_id = *head_id;
        c.old_mode = head_mode;
      }
      out.changes.push_back(std::move(c));
    }
  }
  if (rc != GIT_ITEROVER) return Error{fmt::format("cannot list the conflicted paths of the index: {}", git_error_text())};
  std::sort(out.conflicted.begin(), out.conflicted.end());
  return std::nullopt;
}

}  // namespace

Result<std::string> index_file_path(git_repository* repo, const std::string& index_file) {
  if (!index_file.empty()) return index_file;
  git_buf buf = GIT_BUF_INIT;
  if (git_repository_item_path(&buf, repo, GIT_REPOSITORY_ITEM_INDEX) != 0)
    return Error{fmt::format("cannot locate the index file: {}", git_error_text())};
  std::string path(buf.ptr, buf.size);
  git_buf_dispose(&buf);
  return path;
}

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

Result<StagedSet> staged_changes_libgit2(git_repository* repo, const StagedOptions& staged) {
  StagedSet out;
  // Always the file itself, never the repository's cached index: that may be a stand-in
  // (repository_open), and the answer must come from what git would commit.
  auto path = index_file_path(repo, staged.index_file);
  if (!path) return Error{path.error()};
  git_index* raw_index = nullptr;
  if (git_index_open(&raw_index, path->c_str()) != 0)
    return Error{fmt::format("cannot read the index {}: {}", *path, git_error_text())};
  IndexPtr index(raw_index);
  // Owned by the repository, it takes core.ignorecase and friends from its config.
  if (git_repository_set_index(repo, index.get()) != 0 ||
      git_index_set_caps(index.get(), GIT_INDEX_CAPABILITY_FROM_OWNER) != 0)
    return Error{fmt::format("cannot use the index {}: {}", *path, git_error_text())};

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
  // exact rename and adds no content (in git's sense).
  std::unordered_map<git_oid, std::vector<std::string>, OidHash, OidEq> deleted_paths;
  size_t n = git_diff_num_deltas(diff.get());
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    if (d->status == GIT_DELTA_DELETED) {
      ++out.deleted;
      deleted_paths[d->old_file.id].push_back(d->old_file.path);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    StagedChange c;
    switch (d->status) {
      case GIT_DELTA_ADDED:
        c.kind = StagedChange::Kind::Added;
        if (auto it = deleted_paths.find(d->new_file.id); it != deleted_paths.end()) {
          c.renamed_from = it->second;
          std::sort(c.renamed_from.begin(), c.renamed_from.end());
        }
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
  if (auto err = add_conflicts(index.get(), tree.get(), out)) return *err;
  std::sort(out.changes.begin(), out.changes.end(), [](const StagedChange& a, const StagedChange& b) {
    return std::tie(a.path, a.conflict_stage) < std::tie(b.path, b.conflict_stage);
  });
  return out;
}

Result<StagedSet> staged_changes(git_repository* repo, const StagedOptions& opts) {
  if (!opts.reference_only) {
    auto fast = staged_changes_fast(repo, opts);
    if (fast || fast.error_code() != ErrorCode::Unsupported) return fast;
  }
  return staged_changes_libgit2(repo, opts);
}

}  // namespace keyward
