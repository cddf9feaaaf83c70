// History sources. A sweep runs in three phases: walk commits and trees to learn every
// distinct blob and a path for it; read and scan those blobs in parallel, in pack order;
// attribute only the blobs that had findings. A range scan learns its blobs from the
// commits' own diffs instead, and knows their introductions already.
#include "history_source.h"

#include <chrono>

#include <fmt/format.h>

#include "attribution.h"
#include "blob_scan.h"
#include "git_handles.h"
#include "message_source.h"
#include "object_walk.h"

namespace keyward {
namespace {

std::function<bool(std::string_view)> allow_fn(const Engine& engine) {
  const Scanner* s = &engine.scanner();
  return [s](std::string_view p) { return s->path_allowed(p); };
}

// libgit2 re-hashes every object it reads (SHA-1 with collision detection) to verify it:
// 16% of a sweep's CPU. git itself does not on reads (cat-file, log -p), and a corrupt
// object's content is still the content to scan, so the sweep reads like git does.
void read_like_git() { git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0); }

std::string plural(size_t n, const char* one, const char* many) { return fmt::format("{} {}", n, n == 1 ? one : many); }

// Attributes the scanned blobs that had findings (BlobFindings::job indexes set.blobs) and
// fills the report.
Status report_scan(git_repository* repo, const Engine& engine, const CommitGraph& graph, const BlobSet& set,
                   BlobScanResult& scanned_result, const Introductions* known, Report& report) {
  const BlobScanResult* scanned = &scanned_result;
  size_t allowlisted = 0;
  for (auto& b : set.blobs)
    if (!b.scannable) ++allowlisted;
  std::vector<BlobWithFindings> hits;
  OidMap<bool> targets;
  for (auto& bf : scanned_result.found) {
    const BlobEntry& blob = set.blobs[bf.job];
    targets[blob.id] = true;
    hits.push_back(BlobWithFindings{blob.id, blob.path, std::move(bf.findings)});
  }
  size_t missing_trees = set.missing_trees;
  Introductions found_intros;
  if (!known) {
    if (auto e = find_introductions(repo, graph, targets, found_intros, &missing_trees)) return e;
    known = &found_intros;
  }
  report.findings = group_findings(repo, graph, std::move(hits), *known, allow_fn(engine));

  ScanStats& st = report.stats;
  st.blobs += scanned->blobs;
  st.bytes += scanned->bytes;
  st.skipped += scanned->missing + set.gitlinks + scanned->not_scanned;
  st.missing_objects += scanned->missing + graph.missing_commits + missing_trees;
  auto note = [&](std::string s) { st.notes.push_back(std::move(s)); };
  note(fmt::format("{} in {} from {}; largest blob {:.1f} MiB", plural(set.blobs.size(), "distinct blob", "distinct blobs"),
                   plural(graph.commits.size(), "commit", "commits"), plural(graph.refs, "ref", "refs"),
                   scanned->largest / 1048576.0));
  if (allowlisted) note(fmt::format("{} only under allowlisted paths, not scanned", plural(allowlisted, "blob", "blobs")));
  if (scanned->missing)
    note(fmt::format("{} missing from the object database (partial clone?), not fetched and not scanned",
                     plural(scanned->missing, "blob", "blobs")));
  if (graph.missing_commits)
    note(fmt::format("{} missing (shallow clone?): history before them was not scanned",
                     plural(graph.missing_commits, "commit", "commits")));
  if (missing_trees) note(fmt::format("{} missing, not scanned", plural(missing_trees, "tree", "trees")));
  if (set.gitlinks) note(fmt::format("{} skipped (submodules are scanned in their own repository)",
                                     plural(set.gitlinks, "gitlink entry", "gitlink entries")));
  if (scanned->lfs)
    note(fmt::format("{}: the files they name live on the LFS server and were not scanned",
                     plural(scanned->lfs, "Git LFS pointer", "Git LFS pointers")));
  if (scanned->not_scanned)
    note(fmt::format("{} not scanned by the decoders (binary or too large)", plural(scanned->not_scanned, "blob", "blobs")));
  return std::nullopt;
}

// Scans the scannable blobs of a complete set, then reports.
Status scan_and_report(git_repository* repo, const Engine& engine, const HistoryOptions& opts, const CommitGraph& graph,
                       const BlobSet& set, const Introductions* known, Report& report) {
  std::vector<BlobJob> jobs;
  std::vector<uint32_t> in_set;
  jobs.reserve(set.blobs.size());
  for (uint32_t i = 0; i < set.blobs.size(); ++i)
    if (set.blobs[i].scannable) {
      jobs.push_back(BlobJob{set.blobs[i].id, set.blobs[i].path});
      in_set.push_back(i);
    }
  BlobScanOptions so;
  so.jobs = opts.jobs;
  so.progress = opts.progress;
  auto scanned = scan_blobs(repo, jobs, engine.scanner(), so);
  if (!scanned) return Error{scanned.error()};
  for (auto& bf : scanned->found) bf.job = in_set[bf.job];
  return report_scan(repo, engine, graph, set, *scanned, known, report);
}

Result<git_oid> peel_commit(git_repository* repo, const std::string& spec, const git_object* obj) {
  git_object* raw = nullptr;
  if (git_object_peel(&raw, obj, GIT_OBJECT_COMMIT) != 0)
    return Error{fmt::format("'{}' does not name a commit: {}", spec, git_error_text())};
  ObjectPtr c(raw);
  (void)repo;
  return *git_object_id(c.get());
}

}  // namespace

Status scan_commit_sets(git_repository* repo, const Engine& engine, const HistoryOptions& opts,
                       const std::vector<CommitSet>& sets, Report& report) {
  read_like_git();
  // Union of the sets' commits, in order, each once.
  CommitGraph graph;
  OidMap<bool> have;
  for (auto& s : sets) {
    auto g = load_range(repo, s.tips, s.hide);
    if (!g) return Error{g.error()};
    graph.missing_commits += g->missing_commits;
    for (auto& c : g->commits)
      if (have.emplace(c.id, true).second) graph.commits.push_back(std::move(c));
  }
  graph.refs = sets.size();
  // Blobs each commit introduces, with every introduction recorded for attribution.
  BlobSet set;
  Introductions intros;
  auto allowed = allow_fn(engine);
  for (uint32_t i = 0; i < graph.commits.size(); ++i) {
    auto st = introduced_blobs(
        repo, graph.commits[i],
        [&](const git_oid& blob, const std::string& path) {
          intros[blob].push_back(Introduction{i, path});
          bool ok = !allowed(path);
          auto [it, fresh] = set.index.try_emplace(blob, static_cast<uint32_t>(set.blobs.size()));
          if (fresh) set.blobs.push_back(BlobEntry{blob, path, ok});
          else if (ok && !set.blobs[it->second].scannable) set.blobs[it->second] = BlobEntry{blob, path, true};
        },
        &set.missing_trees);
    if (st) return *st;
  }
  if (auto e = scan_and_report(repo, engine, opts, graph, set, &intros, report)) return e;
  return scan_commit_messages(repo, engine, graph, report);
}

Status scan_history(git_repository* repo, const Engine& engine, const HistoryOptions& opts, Report& report) {
  read_like_git();
  auto t0 = std::chrono::steady_clock::now();
  auto graph = load_history(repo, opts.all_objects);
  if (!graph) return Error{graph.error()};
  auto t1 = std::chrono::steady_clock::now(), t2 = t1;
  // The walk feeds the workers as it goes: blobs are scanned while later trees are read.
  BlobSet set;
  BlobScanOptions so;
  so.jobs = opts.jobs;
  so.progress = opts.progress;
  auto scanned = scan_blob_stream(repo, engine.scanner(), so, [&](BlobFeed& feed) -> Status {
    auto walked = collect_blobs(repo, *graph, allow_fn(engine), [&](uint32_t i, const BlobEntry& b) {
      feed.add(b.id, b.path, i);
    });
    t2 = std::chrono::steady_clock::now();
    if (!walked) return Error{walked.error()};
    set = std::move(*walked);
    return std::nullopt;
  });
  if (!scanned) return Error{scanned.error()};
  auto t3 = std::chrono::steady_clock::now();
  auto st = report_scan(repo, engine, *graph, set, *scanned, nullptr, report);
  if (!st) st = scan_commit_messages(repo, engine, *graph, report);
  if (!st) st = scan_ref_tag_messages(repo, engine, report);
  auto t4 = std::chrono::steady_clock::now();
  auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  report.stats.notes.push_back(
      fmt::format("phases: commits {:.2f} s, trees {:.2f} s and blobs {:.2f} s (overlapped), attribution {:.2f} s",
                  secs(t0, t1), secs(t1, t2), secs(t1, t3), secs(t3, t4)));
  return st;
}

Result<CommitSet> parse_range(git_repository* repo, const std::string& spec) {
  git_revspec rs;
  if (git_revparse(&rs, repo, spec.c_str()) != 0)
    return Error{fmt::format("--range '{}': {} (give A..B, A...B or one revision)", spec, git_error_text())};
  ObjectPtr from(rs.from), to(rs.to);
  CommitSet s;
  if (!(rs.flags & GIT_REVSPEC_RANGE)) {
    auto c = peel_commit(repo, spec, from.get());
    if (!c) return Error{c.error()};
    s.tips.push_back(*c);
    return s;
  }
  auto a = peel_commit(repo, spec, from.get());
  if (!a) return Error{a.error()};
  auto b = peel_commit(repo, spec, to.get());
  if (!b) return Error{b.error()};
  if (rs.flags & GIT_REVSPEC_MERGE_BASE) {
    s.tips = {*a, *b};
    git_oid base;
    if (git_merge_base(&base, repo, &*a, &*b) == 0) s.hide.push_back(base);
  } else {
    s.tips.push_back(*b);
    s.hide.push_back(*a);
  }
  return s;
}

Status scan_ranges(git_repository* repo, const Engine& engine, const HistoryOptions& opts, Report& report) {
  std::vector<CommitSet> sets;
  for (auto& r : opts.ranges) {
    auto s = parse_range(repo, r);
    if (!s) return Error{s.error()};
    sets.push_back(std::move(*s));
  }
  return scan_commit_sets(repo, engine, opts, sets, report);
}

}  // namespace keyward
