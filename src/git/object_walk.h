// Walking a repository's history: the commits reachable from every ref in history order,
// the distinct blobs their trees hold (with a path to scan each under), and the blobs a
// single commit introduces. Missing objects (shallow and partial clones) are counted, never
// fetched.
#pragma once
#include <git2.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "git_handles.h"
#include "oid_index.h"
#include "pack_order.h"
#include "pack_reader.h"
#include "path_table.h"
#include "result.h"

namespace keyward {

template <class V>
using OidMap = std::unordered_map<git_oid, V, OidHash, OidEq>;

// How a commit is reachable, best first: a finding carries the best of its places.
enum class Reach : uint8_t {
  Ref = 0,       // from a branch, tag, remote-tracking ref or HEAD
  Stash = 1,     // only from refs/stash or the stash's reflog
  Reflog = 2,    // only from some reflog (reset, rebased or deleted away)
  Dangling = 3,  // from nothing (--all-objects)
};
// "" for Ref, else "stash", "reflog", "dangling".
const char* reach_name(Reach r);

// An object the walk needed and could not read: absent, or present but unreadable.
struct BadObject {
  git_oid id;
  git_object_t type = GIT_OBJECT_ANY;  // what it was needed as
  bool corrupt = false;                // present in the database but unreadable
  bool shallow_boundary = false;       // a parent that a shallow clone cuts off by design
  std::string why;                     // libgit2's words (corrupt objects), or where it was named
};
// A BadObject for a failed lookup's return code (libgit2's error message read now).
BadObject bad_object(const git_oid& id, git_object_t type, int rc, std::string where = "");

struct CommitNode {
  git_oid id;
  git_oid tree;
  std::vector<git_oid> parents;  // only the parents present in the repository
  bool boundary = false;         // some parent is missing (shallow clone, partial history)
  int64_t time = 0;              // committer time
  Reach reach = Reach::Ref;
};

// Commits in history order: parents before children, older before newer among
// independent lines (Kahn's algorithm with the committer time as the tie-break).
struct CommitGraph {
  std::vector<CommitNode> commits;
  std::vector<git_oid> root_trees;  // trees and blobs that refs (tags) name directly
  std::vector<git_oid> root_blobs;
  OidMap<std::string> root_names;   // root tree/blob -> the ref (or revision) naming it
  std::vector<BadObject> bad;       // commits named by a ref, reflog or parent that cannot be read
  size_t refs = 0;
};

// What a clone may lack by design: the commits behind a shallow boundary, and the objects a
// promisor remote (partial clone) still holds.
struct CloneShape {
  bool shallow = false;
  bool promisor = false;
};
CloneShape clone_shape(git_repository* repo);

// Commits reachable from every ref and HEAD, and from every entry of their reflogs (the
// stash's older entries among them), each with how it is reachable; with every_commit,
// also every commit object in the database (dangling ones included). Reads only: a reflog
// that does not exist is not created.
Result<CommitGraph> load_history(git_repository* repo, bool every_commit);

// The commits in `tips` not reachable from `hide`, in history order. Tips that name trees or
// blobs (directly or through tags) become root_trees/root_blobs.
Result<CommitGraph> load_range(git_repository* repo, const std::vector<git_oid>& tips,
                               const std::vector<git_oid>& hide);

// One distinct blob to scan and the path to scan it under: the first path met that the
// allowlist does not cover, or (when every path is allowlisted) the first path met. The
// path is an id in BlobSet::paths (PathTable::kNone for a blob no tree names).
struct BlobEntry {
  git_oid id;
  uint32_t path = PathTable::kNone;
  bool scannable = false;  // some path is not allowlisted
};

struct BlobSet {
  std::vector<BlobEntry> blobs;
  PathTable paths;             // every distinct path the walk met
  size_t gitlinks = 0;         // submodule entries, not scanned
  std::vector<BadObject> bad;  // trees that cannot be read
  // blobs.size() when collect_blobs began the tree of each commit (CommitGraph::commits
  // order): blobs are appended as first met, so blobs[k] was first met in the tree of the
  // last commit whose start is <= k, and no earlier commit's tree holds it.
  std::vector<uint32_t> commit_starts;

  // The position of `id` in blobs, adding it (at `path`) when new; *fresh says which.
  uint32_t find_or_add(const git_oid& id, uint32_t path, bool scannable, bool* fresh);
  const BlobEntry* find(const git_oid& id) const;
  std::string path_of(const BlobEntry& b) const { return paths.path(b.path); }

 private:
  OidIndex index_;
};

// Every distinct blob in the trees of `graph`, into `out` (which may already hold blobs:
// a blob met again keeps its entry). Each distinct tree is read once, straight from the
// object database and parsed in place, unless the allowlist covered some path inside it:
// then once per path prefix, since the allowlist may judge its paths differently there.
// Iterative: a tree nested however deep costs heap, not stack. `on_scannable(i, blob)`
// (optional) is called the moment blobs[i] becomes scannable, with blob.path already the
// path it will keep: the first path met that the allowlist does not cover. Blobs that stay
// allowlisted never get a call. `on_path(path)` (optional) is called once for every
// distinct path the walk meets (blobs, gitlinks, and trees without a trailing '/'), so
// every name history holds is seen. Both run on the calling thread.
using ScannableFn = std::function<void(uint32_t index, const BlobEntry& blob)>;
// A path met for the first time: its id in BlobSet::paths and the path itself.
using PathFn = std::function<void(uint32_t id, const std::string& path)>;
Status collect_blobs(git_repository* repo, const CommitGraph& graph,
                     const std::function<bool(std::string_view)>& path_allowed, BlobSet& out,
                     const ScannableFn& on_scannable = nullptr, const PathFn& on_path = nullptr,
                     const PackIndexes* packs = nullptr);

// Reads raw trees for many walks: straight from the mapped packs with a cache of resolved
// delta bases (pack_reader.h), else through libgit2. One per thread.
class TreeReader {
 public:
  // With `packs`, reads from those mappings (shared with a blob scan) instead of its own.
  // `mode`: how much of the history will be read, for its cache (pack_reader.h).
  explicit TreeReader(git_repository* repo, const PackIndexes* packs = nullptr,
                      PackObjectReader::Mode mode = PackObjectReader::Mode::Few);
  ~TreeReader();
  TreeReader(const TreeReader&) = delete;
  TreeReader& operator=(const TreeReader&) = delete;

  struct Tree {
    std::shared_ptr<const std::string> held;  // from a pack
    OdbObjectPtr obj;                         // or from libgit2
    std::string_view data;                    // the raw entries
  };
  // False when the tree cannot be read, with *bad saying why (absent, corrupt, not a tree).
  bool read(const git_oid& id, Tree* out, BadObject* bad);

 private:
  OdbPtr odb_;
  struct Packs;
  std::unique_ptr<Packs> packs_;
};

// Calls `fn(blob, path)` for each blob that `commit` introduces: present at a path in the
// commit's tree but at no parent's same path. A root or boundary commit introduces all.
// Subtrees equal to a parent's are skipped without being read. Trees of the commit that
// cannot be read are added to `bad` (those of parents only make more blobs count as new).
// Trees are matched with the parents' by merging entries in git's tree order, so a
// misordered parent tree (never written by git) also only makes more blobs count as new.
// `reader` (optional) carries its cache of trees from one commit to the next.
using IntroducedFn = std::function<void(const git_oid& blob, const std::string& path)>;
Status introduced_blobs(git_repository* repo, const CommitNode& commit, const IntroducedFn& fn,
                        std::vector<BadObject>* bad = nullptr, TreeReader* reader = nullptr);

}  // namespace keyward
