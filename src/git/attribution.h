// Attribution: which commits brought a blob in, and at which paths; and grouping of the
// findings of many blobs into one finding per secret, with every other place it lives.
// Only blobs with findings are attributed, so a clean sweep never pays for it.
#pragma once
#include <git2.h>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "finding.h"
#include "object_walk.h"
#include "result.h"

namespace keyward {

struct Introduction {
  uint32_t commit = 0;  // index into CommitGraph::commits (history order)
  std::string path;
};
using Introductions = OidMap<std::vector<Introduction>>;

// Every (commit, path) in `graph` that introduces one of `targets`, in history order.
Status find_introductions(git_repository* repo, const CommitGraph& graph, const OidMap<bool>& targets,
                          Introductions& out, size_t* missing_trees = nullptr);

struct BlobWithFindings {
  git_oid id;
  std::string path;  // the path it was scanned under
  std::vector<Finding> findings;
};

// One finding per secret (fingerprint): its commit/path/author/date are the earliest
// introduction; every other (commit, path, line) becomes a Place. Places whose path the
// allowlist covers are dropped, and so is a secret left with none. A blob with no
// introduction (unreachable, or named only by a tag) keeps its scan path and no commit.
std::vector<Finding> group_findings(git_repository* repo, const CommitGraph& graph,
                                    std::vector<BlobWithFindings> blobs, const Introductions& intros,
                                    const std::function<bool(std::string_view)>& path_allowed);

// "2024-05-01T12:00:00+02:00" for a git time.
std::string format_git_time(const git_time& t);

}  // namespace keyward
