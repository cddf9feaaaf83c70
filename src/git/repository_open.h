// Opening the repository a git command (or a hook it runs) means, from the environment.
#pragma once
#include <git2.h>

#include <string>

#include "git_handles.h"

namespace keyward {

// The variables git hands a command or hook that libgit2 needs help with; the cli reads them.
struct GitEnvironment {
  std::string git_dir;     // $GIT_DIR
  std::string work_tree;   // $GIT_WORK_TREE
  std::string index_file;  // $GIT_INDEX_FILE
};

struct OpenedRepository {
  RepoPtr repo;     // null when there is none
  std::string why;  // when null: empty if no repository was found, else the reason, a sentence
};

// Like git: GIT_DIR, GIT_INDEX_FILE, GIT_OBJECT_DIRECTORY and friends are honoured, and so are
// GIT_WORK_TREE (`git --work-tree=DIR`, set for hooks by `git --git-dir=X --work-tree=Y
// commit`), which libgit2 1.5 refuses, and core.worktree. Starts from the current directory.
// libgit2 reads the rest of the environment itself; `env` is what it must not see while
// opening (and gets back afterwards, for what keyward runs).
OpenedRepository open_repository_from_env(const GitEnvironment& env);

// For a repository libgit2 refused because of its extensions.objectformat (found from
// `start`, or `git_dir` when given): one sentence saying which format and that libgit2 1.5
// cannot read it.
std::string object_format_problem(const std::string& start, const std::string& git_dir = "");

}  // namespace keyward
