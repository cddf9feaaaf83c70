#include "repository_open.h"

#include <cstdlib>
#include <optional>

#include <git2/sys/repository.h>

#include <fmt/format.h>

namespace keyward {
namespace {

// The object format a repository that libgit2 refused declares (extensions.objectformat),
// read from its config file directly; empty when there is none or it cannot be read.
std::string declared_object_format(const std::string& start, const std::string& git_dir) {
  git_buf dir = GIT_BUF_INIT;
  std::string gitdir;
  if (!git_dir.empty()) {
    gitdir = git_dir;
  } else if (git_repository_discover(&dir, start.c_str(), 0, nullptr) == 0) {
    gitdir.assign(dir.ptr, dir.size);
  }
  git_buf_dispose(&dir);
  git_error_clear();
  if (gitdir.empty()) return "";
  git_config* raw = nullptr;
  if (git_config_open_ondisk(&raw, (gitdir + "/config").c_str()) != 0) {
    git_error_clear();
    return "";
  }
  ConfigPtr cfg(raw);
  git_buf value = GIT_BUF_INIT;
  std::string out;
  if (git_config_get_string_buf(&value, cfg.get(), "extensions.objectformat") == 0) out.assign(value.ptr, value.size);
  git_buf_dispose(&value);
  git_error_clear();
  return out;
}

}  // namespace

std::string object_format_problem(const std::string& start, const std::string& git_dir) {
  std::string format = declared_object_format(start, git_dir);
  if (format == "sha256")
    return "this repository uses SHA-256 object names, which keyward's git library (libgit2 1.5) cannot read yet, "
           "so keyward cannot read its index or its history";
  return fmt::format("this repository declares the object format '{}' (extensions.objectformat), which keyward's "
                     "git library (libgit2 1.5) cannot read",
                     format.empty() ? "?" : format);
}

OpenedRepository open_repository_from_env(const GitEnvironment& env) {
  OpenedRepository out;
  // libgit2 1.5 fails GIT_REPOSITORY_OPEN_FROM_ENV outright when GIT_WORK_TREE is set
  // ("GIT_WORK_TREE unimplemented"): open without it, then set the work tree as git would.
  // It also reads $GIT_INDEX_FILE (which git sets for every pre-commit hook) while opening,
  // and fails on an index it cannot read (split, sparse): the index is not needed to open
  // the repository, and staged_changes reads $GIT_INDEX_FILE itself.
  std::optional<std::string> work_tree, index_file;
  if (!env.work_tree.empty()) {
    work_tree = env.work_tree;
    ::unsetenv("GIT_WORK_TREE");
  }
  if (!env.index_file.empty()) {
    index_file = env.index_file;
    ::unsetenv("GIT_INDEX_FILE");
  }
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, nullptr, GIT_REPOSITORY_OPEN_FROM_ENV, nullptr);
  std::string error = rc == 0 ? "" : git_error_text();
  // Restored for what reads it later (staged_changes) and for what we run.
  if (work_tree) ::setenv("GIT_WORK_TREE", work_tree->c_str(), 1);
  if (index_file) ::setenv("GIT_INDEX_FILE", index_file->c_str(), 1);
  if (rc != 0) {
    if (error.find("objectformat") != std::string::npos) {
      out.why = object_format_problem(".", env.git_dir);
      out.why += ". To check the staged files anyway, export them and scan them as files (whole files, not only "
                 "the added lines): d=$(mktemp -d) && git diff --cached --name-only -z --diff-filter=d | "
                 "git checkout-index -z --stdin --prefix=\"$d/\" && keyward \"$d\"";
    } else if (rc != GIT_ENOTFOUND) {
      out.why = fmt::format("cannot open the git repository: {}", error);
    }
    return out;
  }
  out.repo.reset(raw);
  {
    // An empty stand-in for the repository's index. libgit2 would read the whole index the
    // first time anything consults it (200 ms for 100,000 entries, ten times what the
    // pre-commit scan itself costs there) and fails on one it cannot read (a split or
    // sparse index). keyward never lets it consult that index: staged_changes reads the
    // index file itself (or hands libgit2 the one it opened), and every other libgit2 call
    // keyward makes takes its inputs explicitly (git_diff_buffers, no attributes).
    git_index* idx = nullptr;
    if (git_index_new(&idx) != 0) idx = nullptr;
    if (idx) {
      git_repository_set_index(out.repo.get(), idx);
      git_index_free(idx);
    }
    git_error_clear();
  }
  if (work_tree && git_repository_set_workdir(out.repo.get(), work_tree->c_str(), 0) != 0) {
    out.why = fmt::format("cannot use the work tree '{}' (GIT_WORK_TREE or --work-tree): {}", *work_tree,
                          git_error_text());
    out.repo.reset();
  }
  return out;
}

}  // namespace keyward
