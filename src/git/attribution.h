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
// `packs` (optional): the caller's mappings of the packs, read instead of mapping them again.
// `from`: the first commit (index into graph.commits) whose tree may hold a target; the
// commits before it are not diffed.
Status find_introductions(git_repository* repo, const CommitGraph& graph, const OidMap<bool>& targets,
                          Introductions& out, std::vector<BadObject>* bad = nullptr,
                          const PackIndexes* packs = nullptr, uint32_t from = 0);

// A scanned blob's id and the path it was scanned under, for BlobFindings::job.
struct ScannedBlob {
  git_oid id;
  std::string path;
};
using ScannedBlobFn = std::function<ScannedBlob(size_t job)>;

// Whether path-dependent policy (path allowlists, global or the finding's rule's) drops
// this finding at this path. A blob is scanned once; this is asked at each of its places.
using DroppedAtFn = std::function<bool(const Finding&, std::string_view path)>;

// One finding per secret (fingerprint): its commit/path/author/date are the earliest
// introduction that policy keeps; every other kept (commit, path, line) becomes a Place; a
// secret left with no place is dropped. Finding::reachable is the best reach among its
// places' commits. A blob with no introduction (unreachable, or named only by a tag) keeps
// its scan path (or a label naming the tag) and no commit.
std::vector<Finding> group_findings(git_repository* repo, const CommitGraph& graph,
                                    const std::vector<BlobFindings>& blobs, const ScannedBlobFn& blob_of,
                                    const Introductions& intros,
                                    const DroppedAtFn& dropped_at);

// "2024-05-01T12:00:00+02:00" for a git time.
std::string format_git_time(const git_time& t);

}  // namespace keyward
