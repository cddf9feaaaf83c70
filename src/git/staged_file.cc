#include "staged_file.h"

#include <fmt/format.h>

#include "git_handles.h"
#include "index_reader.h"
#include "staged_changes.h"

namespace keyward {

Result<std::optional<std::string>> staged_file_text(git_repository* repo, const std::string& path,
                                                    const std::string& index_file) {
  auto index_path = index_file_path(repo, index_file);
  if (!index_path) return Error{index_path.error()};
  git_oid id;
  bool found = false;
  IndexFile fast;
  const char* gitdir = git_repository_path(repo);
  if (auto st = fast.load(*index_path, gitdir ? gitdir : ""); !st) {
    for (const IndexEntry& e : fast.entries())
      if (e.path == path && !e.intent_to_add) {
        git_oid_fromraw(&id, e.oid);
        found = true;
      }
  } else {
    // What the fast reader leaves to libgit2 (unmerged entries and the like).
    git_index* raw = nullptr;
    if (git_index_open(&raw, index_path->c_str()) != 0)
      return Error{fmt::format("cannot read the index {}: {}", *index_path, git_error_text())};
    IndexPtr index(raw);
    const git_index_entry* e = git_index_get_bypath(index.get(), path.c_str(), 0);
    if (e && !(e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD)) {
      id = e->id;
      found = true;
    }
  }
  if (!found) return std::optional<std::string>();
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, repo, &id) != 0)
    return Error{fmt::format("cannot read the staged {} (object {}): {}", path, oid_hex(id), git_error_text())};
  BlobPtr blob(raw);
  return std::optional<std::string>(std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                                                static_cast<size_t>(git_blob_rawsize(blob.get()))));
}

}  // namespace keyward
