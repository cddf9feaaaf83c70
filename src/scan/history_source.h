// History sources: every blob reachable from every ref (--all-history, optionally every
// object in the database), or the blobs a range of commits introduces (--range).
#pragma once
#include <git2.h>

#include <string>
#include <vector>

#include "engine.h"
#include "report.h"
#include "result.h"

namespace keyward {

struct HistoryOptions {
  bool all_objects = false;   // also unreachable objects
  int jobs = 0;               // 0 = every core
  bool progress = false;      // draw a progress bar on stderr
  std::vector<std::string> ranges;  // A..B, for --range
  // Objects a shallow or partial clone lacks by design are a warning on every run; with
  // strict they are an error like any other missing or corrupt object (which always is).
  bool strict = false;
};

Status scan_history(git_repository* repo, const Engine& engine, const HistoryOptions& opts, Report& report);
Status scan_ranges(git_repository* repo, const Engine& engine, const HistoryOptions& opts, Report& report);

// The commits reachable from `tips` but not from `hide` (git rev-list TIPS --not HIDE). A tip
// that names a tree or a blob (directly or through tags) brings in all of it.
struct CommitSet {
  std::vector<git_oid> tips, hide;
  std::string label;  // what names the tips (a ref, a revision): shown for tagged blobs
};
// "A..B", "A...B" or a single revision (everything reachable from it); B or the single
// revision may name a tree or blob.
Result<CommitSet> parse_range(git_repository* repo, const std::string& spec);
// Scans the blobs the union of the sets' commits introduce; findings carry those commits.
// Missing or corrupt objects go to report.stats.errors (or, where the clone lacks them by
// design and !opts.strict, to report.stats.warnings).
Status scan_commit_sets(git_repository* repo, const Engine& engine, const HistoryOptions& opts,
                        const std::vector<CommitSet>& sets, Report& report);

}  // namespace keyward
