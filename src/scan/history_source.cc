// History sources. A sweep runs in three phases: walk commits and trees to learn every
// distinct blob and a path for it; read and scan those blobs in parallel, in pack order;
// attribute only the blobs that had findings. A range scan learns its blobs from the
// commits' own diffs instead, and knows their introductions already.
#include "history_source.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "attribution.h"
#include "blob_scan.h"
#include "git_handles.h"
#include "message_source.h"
#include "name_scan.h"
#include "object_walk.h"

namespace keyward {
namespace {

// The global path allowlist alone: a blob only ever at such paths need not be read.
std::function<bool(std::string_view)> allow_fn(const Engine& engine) {
  const Policy* s = &engine.scanner().policy();
  return [s](std::string_view p) { return s->path_allowed(p); };
}

// Every path allowlist, judged per finding at each place the blob lives.
DroppedAtFn dropped_fn(const Engine& engine) {
  const Policy* s = &engine.scanner().policy();
  return [s](const Finding& f, std::string_view p) { return s->allowed_at(f.rule_id, p); };
}

// libgit2 re-hashes every object it reads (SHA-1 with collision detection) to verify it:
// 16% of a sweep's CPU. git itself does not on reads (cat-file, log -p); zlib's checksum
// still catches a damaged object (see blob_scan.cc), so the sweep reads like git does.
//
// libgit2 also maps a pack in windows of 1 GiB, up to 8 GiB, and keeps every page it
// touched resident: the delta blobs and commits it reads would hold most of a large pack.
// Smaller windows under a small limit let it unmap what it is done with. Set before any
// scanning thread starts.
void read_like_git() {
  git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, size_t(8) << 20);
  git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, size_t(32) << 20);
}

std::string plural(size_t n, const char* one, const char* many) { return fmt::format("{} {}", n, n == 1 ? one : many); }

const char* type_name(git_object_t t) {
  switch (t) {
    case GIT_OBJECT_COMMIT: return "commit";
    case GIT_OBJECT_TREE: return "tree";
    case GIT_OBJECT_BLOB: return "blob";
    case GIT_OBJECT_TAG: return "tag";
    default: return "object";
  }
}

// "blob 3f2a... (missing, at a/b.py), tree 9c1b... (corrupt: ...)", at most 20 named.
std::string name_objects(const std::vector<const BadObject*>& bad) {
  std::string out;
  size_t shown = 0;
  for (const BadObject* b : bad) {
    if (shown == 20) {
      out += fmt::format(" and {} more", bad.size() - shown);
      break;
    }
    std::string what = b->corrupt ? "corrupt: " + b->why : b->why.empty() ? "missing" : "missing, " + b->why;
    out += fmt::format("{}{} {} ({})", shown ? ", " : "", type_name(b->type), oid_hex(b->id), what);
    ++shown;
  }
  return out;
}

std::string count_types(const std::vector<const BadObject*>& bad) {
  size_t n[4] = {0, 0, 0, 0};
  for (const BadObject* b : bad)
    ++n[b->type == GIT_OBJECT_COMMIT ? 0 : b->type == GIT_OBJECT_TREE ? 1 : b->type == GIT_OBJECT_BLOB ? 2 : 3];
  std::string out;
  const char* names[4][2] = {{"commit", "commits"}, {"tree", "trees"}, {"blob", "blobs"}, {"object", "objects"}};
  for (int i = 0; i < 4; ++i)
    if (n[i]) out += (out.empty() ? "" : ", ") + plural(n[i], names[i][0], names[i][1]);
  return out;
}

// Objects the scan needed and could not read. Damage (anything corrupt, anything absent
// outside what a shallow or partial clone lacks by design) is an error; what such a clone
// lacks is a warning on every run, or an error with --strict.
void judge_bad_objects(git_repository* repo, const HistoryOptions& opts, const std::vector<BadObject>& all,
                       ScanStats& st) {
  if (all.empty()) return;
  CloneShape shape = clone_shape(repo);
  OidMap<bool> seen;
  std::vector<const BadObject*> broken, behind_shallow, promised;
  for (const BadObject& b : all) {
    if (!seen.emplace(b.id, true).second) continue;
    if (b.corrupt) broken.push_back(&b);
    else if (b.type == GIT_OBJECT_COMMIT && b.shallow_boundary && shape.shallow) behind_shallow.push_back(&b);
    else if (shape.promisor) promised.push_back(&b);
    else broken.push_back(&b);
  }
  auto error = [&](std::string s) {
    st.notes.push_back(s);
    st.errors.push_back(std::move(s));
  };
  auto lacking = [&](std::string s, const std::vector<const BadObject*>& which) {
    if (opts.strict) return error(fmt::format("--strict: {}: {}", s, name_objects(which)));
    s += " (--strict makes this an error)";
    st.notes.push_back(s);
    st.warnings.push_back(std::move(s));
  };
  if (!behind_shallow.empty())
    lacking(fmt::format("shallow clone: the history behind {} was not scanned (`git fetch --unshallow` "
                        "fetches it)",
                        plural(behind_shallow.size(), "missing parent commit", "missing parent commits")),
            behind_shallow);
  if (!promised.empty())
    lacking(fmt::format("partial clone: {} missing from the object database (the promisor remote has them), "
                        "not fetched and not scanned",
                        count_types(promised)),
            promised);
  if (!broken.empty())
    error(fmt::format("{} could not be read, so the scan is incomplete: {} (`git fsck` shows the damage)",
                      plural(broken.size(), "object", "objects"), name_objects(broken)));
}

// Attributes the scanned blobs that had findings (BlobFindings::job indexes set.blobs) and
// fills the report.
Status report_scan(git_repository* repo, const Engine& engine, const HistoryOptions& opts, const CommitGraph& graph,
                   const BlobSet& set, BlobScanResult& scanned_result, const Introductions* known, Report& report,
                   const PackIndexes* packs = nullptr) {
  const BlobScanResult* scanned = &scanned_result;
  size_t allowlisted = 0;
  for (auto& b : set.blobs)
    if (!b.scannable) ++allowlisted;
  OidMap<bool> targets;
  // No commit before the one whose tree the walk first met a target in holds it: those
  // are not diffed (a sweep's walk records where each commit's blobs start).
  uint32_t from = set.commit_starts.empty() ? 0 : UINT32_MAX;
  for (auto& bf : scanned_result.found) {
    targets[set.blobs[bf.job].id] = true;
    if (set.commit_starts.empty()) continue;
    auto at = std::upper_bound(set.commit_starts.begin(), set.commit_starts.end(), static_cast<uint32_t>(bf.job));
    uint32_t first = at == set.commit_starts.begin() ? 0 : static_cast<uint32_t>(at - set.commit_starts.begin()) - 1;
    from = std::min(from, first);
  }
  std::vector<BadObject> bad = graph.bad;
  bad.insert(bad.end(), set.bad.begin(), set.bad.end());
  {
    std::unordered_map<size_t, const std::string*> corrupt;
    for (auto& [j, why] : scanned->corrupt_jobs) corrupt[j] = &why;
    for (size_t j : scanned->missing_jobs) {
      const BlobEntry& blob = set.blobs[j];
      auto it = corrupt.find(j);
      BadObject b;
      b.id = blob.id;
      b.type = GIT_OBJECT_BLOB;
      b.corrupt = it != corrupt.end();
      std::string path = set.path_of(blob);
      b.why = b.corrupt ? *it->second : path.empty() ? "" : "at " + path;
      bad.push_back(std::move(b));
    }
  }
  Introductions found_intros;
  if (!known) {
    if (auto e = find_introductions(repo, graph, targets, found_intros, &bad, packs, from)) return e;
    known = &found_intros;
  }
  report.findings = group_findings(
      repo, graph, scanned_result.found,
      [&](size_t job) { return ScannedBlob{set.blobs[job].id, set.path_of(set.blobs[job])}; }, *known,
      dropped_fn(engine));

  ScanStats& st = report.stats;
  st.blobs += scanned->blobs;
  st.bytes += scanned->bytes;
  st.skipped += scanned->missing + set.gitlinks + scanned->not_scanned;
  st.missing_objects += scanned->missing + bad.size();
  auto note = [&](std::string s) { st.notes.push_back(std::move(s)); };
  note(fmt::format("{} in {} from {}; largest blob {:.1f} MiB", plural(set.blobs.size(), "distinct blob", "distinct blobs"),
                   plural(graph.commits.size(), "commit", "commits"), plural(graph.refs, "ref", "refs"),
                   scanned->largest / 1048576.0));
  if (allowlisted) note(fmt::format("{} only under allowlisted paths, not scanned", plural(allowlisted, "blob", "blobs")));
  judge_bad_objects(repo, opts, bad, st);
  if (set.gitlinks) note(fmt::format("{} skipped (submodules are scanned in their own repository)",
                                     plural(set.gitlinks, "gitlink entry", "gitlink entries")));
  if (scanned->lfs)
    note(fmt::format("{}: the files they name live on the LFS server and were not scanned",
                     plural(scanned->lfs, "Git LFS pointer", "Git LFS pointers")));
  if (scanned->not_scanned)
    note(fmt::format("{} not scanned by the decoders (binary or too large)", plural(scanned->not_scanned, "blob", "blobs")));
  return std::nullopt;
}

// Every distinct path a walk meets, in the order met, to scan the names once per run.
struct PathNames {
  std::unordered_set<std::string> seen;
  std::vector<std::string> list;
  // Allowlisted paths publish their names on purpose; judged once per distinct path.
  void add(const std::string& p, const std::function<bool(std::string_view)>& allowed) {
    if (seen.insert(p).second && !allowed(p)) list.push_back(p);
  }
};

// A sweep's job tag: the blob's index in BlobSet::blobs (high half, so tags sort as the
// indexes do) and the id of the path it is scanned under (low half): a queued job needs no
// path string of its own.
static_assert(sizeof(size_t) >= 8, "a job tag holds two 32-bit ids");
size_t feed_tag(uint32_t index, uint32_t path) { return (size_t(index) << 32) | path; }
uint32_t feed_index(size_t tag) { return static_cast<uint32_t>(tag >> 32); }
uint32_t feed_path(size_t tag) { return static_cast<uint32_t>(tag); }

// Each tree is read once in a sweep: libgit2's object cache would only keep a million
// trees alive (up to its 256 MiB limit) for nothing. Restored for attribution, which reads
// the same few trees again and again.
struct NoTreeCache {
  NoTreeCache() { git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, size_t(0)); }
  ~NoTreeCache() { git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, size_t(4096)); }
  NoTreeCache(const NoTreeCache&) = delete;
  NoTreeCache& operator=(const NoTreeCache&) = delete;
};

BlobScanOptions blob_options(const HistoryOptions& opts) {
  BlobScanOptions so;
  so.jobs = opts.jobs;
  so.progress = opts.progress;
  so.apply_path_policy = false;  // judged at each place instead (group_findings)
  return so;
}

// Scans the scannable blobs of a complete set, then reports.
Status scan_and_report(git_repository* repo, const Engine& engine, const HistoryOptions& opts, const CommitGraph& graph,
                       const BlobSet& set, const Introductions* known, Report& report) {
  std::vector<BlobJob> jobs;
  std::vector<uint32_t> in_set;
  std::vector<std::string> paths;
  for (uint32_t i = 0; i < set.blobs.size(); ++i)
    if (set.blobs[i].scannable) {
      paths.push_back(set.path_of(set.blobs[i]));
      in_set.push_back(i);
    }
  jobs.reserve(in_set.size());
  for (size_t k = 0; k < in_set.size(); ++k) jobs.push_back(BlobJob{set.blobs[in_set[k]].id, paths[k]});
  auto scanned = scan_blobs(repo, jobs, engine.scanner(), blob_options(opts));
  if (!scanned) return Error{scanned.error()};
  for (auto& bf : scanned->found) bf.job = in_set[bf.job];
  for (auto& j : scanned->missing_jobs) j = in_set[j];
  for (auto& c : scanned->corrupt_jobs) c.first = in_set[c.first];
  return report_scan(repo, engine, opts, graph, set, *scanned, known, report);
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
  // Union of the sets' commits, in order, each once; and the trees and blobs tips name.
  CommitGraph graph;
  OidMap<bool> have;
  for (auto& s : sets) {
    auto g = load_range(repo, s.tips, s.hide);
    if (!g) return Error{g.error()};
    graph.bad.insert(graph.bad.end(), g->bad.begin(), g->bad.end());
    for (auto& c : g->commits)
      if (have.emplace(c.id, true).second) graph.commits.push_back(std::move(c));
    for (auto& t : g->root_trees) graph.root_trees.push_back(t), graph.root_names.emplace(t, s.label);
    for (auto& b : g->root_blobs) graph.root_blobs.push_back(b), graph.root_names.emplace(b, s.label);
  }
  graph.refs = sets.size();
  // Blobs each commit introduces, with every introduction recorded for attribution.
  BlobSet set;
  Introductions intros;
  PathNames names;
  auto allowed = allow_fn(engine);
  auto add = [&](const git_oid& blob, const std::string& path, bool ok) {
    bool fresh;
    uint32_t node = path.empty() ? PathTable::kNone : set.paths.intern_path(path);
    uint32_t i = set.find_or_add(blob, node, ok, &fresh);
    if (!fresh && ok && !set.blobs[i].scannable) set.blobs[i] = BlobEntry{blob, node, true};
  };
  TreeReader reader(repo);
  for (uint32_t i = 0; i < graph.commits.size(); ++i) {
    auto st = introduced_blobs(
        repo, graph.commits[i],
        [&](const git_oid& blob, const std::string& path) {
          intros[blob].push_back(Introduction{i, path});
          add(blob, path, !allowed(path));
          names.add(path, allowed);
        },
        &set.bad, &reader);
    if (st) return *st;
  }
  // Trees and blobs named by a tip (a tag of a tree or blob): all of them, at their paths
  // inside the tree; no commit introduces them.
  if (!graph.root_trees.empty() || !graph.root_blobs.empty()) {
    CommitGraph roots;
    roots.root_trees = graph.root_trees;
    roots.root_blobs = graph.root_blobs;
    BlobSet rb;
    auto st = collect_blobs(repo, roots, allowed, rb, nullptr,
                            [&](uint32_t, const std::string& p) { names.add(p, allowed); });
    if (st) return *st;
    for (auto& b : rb.blobs) add(b.id, rb.path_of(b), b.scannable);
    set.gitlinks += rb.gitlinks;
    set.bad.insert(set.bad.end(), rb.bad.begin(), rb.bad.end());
  }
  if (auto e = scan_and_report(repo, engine, opts, graph, set, &intros, report)) return e;
  if (auto e = scan_names(engine.scanner(), names.list, kFileName, report)) return e;
  return scan_commit_messages(repo, engine, graph, report);
}

Status scan_history(git_repository* repo, const Engine& engine, const HistoryOptions& opts, Report& report) {
  read_like_git();
  auto t0 = std::chrono::steady_clock::now();
  auto graph = load_history(repo, opts.all_objects);
  if (!graph) return Error{graph.error()};
  auto t1 = std::chrono::steady_clock::now(), t2 = t1;
  // The walk feeds the workers as it goes: blobs are scanned while later trees are read.
  // A job carries its blob's index and path id (see FeedTag), not a path string: the
  // workers materialise the path from the walk's table right before scanning.
  BlobSet set;
  std::vector<uint32_t> names;  // every distinct path the walk met, once each (ids in set.paths)
  auto allowed = allow_fn(engine);
  BlobScanOptions so = blob_options(opts);
  so.path_of = [&set](size_t tag) { return set.paths.path(feed_path(tag)); };
  // One mapping of each pack for the walk and the scan: their pages are not held twice.
  PackIndexes packs = PackIndexes::open(git_repository_commondir(repo) + std::string("objects"));
  so.packs = &packs;
  auto scanned = [&] {
    NoTreeCache no_tree_cache;
    return scan_blob_stream(repo, engine.scanner(), so, [&](BlobFeed& feed) -> Status {
      auto st = collect_blobs(
          repo, *graph, allowed, set, [&](uint32_t i, const BlobEntry& b) { feed.add(b.id, {}, feed_tag(i, b.path)); },
          [&](uint32_t id, const std::string& p) {
            if (!allowed(p)) names.push_back(id);
          },
          &packs);
      t2 = std::chrono::steady_clock::now();
      return st;
    });
  }();
  if (!scanned) return Error{scanned.error()};
  const double walk_scanned = scanned->producer_scan_seconds;  // not the walk's own time
  for (auto& bf : scanned->found) bf.job = feed_index(bf.job);
  for (auto& j : scanned->missing_jobs) j = feed_index(j);
  for (auto& c : scanned->corrupt_jobs) c.first = feed_index(c.first);
  for (auto& w : scanned->not_scanned_why) w.first = feed_index(w.first);
  for (auto& o : scanned->oversized) o.first = feed_index(o.first);
  auto t3 = std::chrono::steady_clock::now();
  auto st = report_scan(repo, engine, opts, *graph, set, *scanned, nullptr, report, &packs);
  if (!st) {
    NameSource ns;
    ns.count = names.size();
    ns.tail = [&](size_t i, std::string& out) { set.paths.append_tail(names[i], kNameContext, out); };
    ns.whole = [&](size_t i) { return set.paths.path(names[i]); };
    st = scan_names(engine.scanner(), ns, kFileName, report);
  }
  if (!st) st = scan_commit_messages(repo, engine, *graph, report);
  if (!st) st = scan_ref_tag_messages(repo, engine, report);
  auto t4 = std::chrono::steady_clock::now();
  auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  report.stats.notes.push_back(
      fmt::format("phases: commits {:.2f} s, trees {:.2f} s and blobs {:.2f} s (overlapped), attribution {:.2f} s; "
                  "the walk's thread also scanned blobs for {:.2f} s",
                  secs(t0, t1), std::max(0.0, secs(t1, t2) - walk_scanned), secs(t1, t3), secs(t3, t4), walk_scanned));
  return st;
}

Result<CommitSet> parse_range(git_repository* repo, const std::string& spec) {
  git_revspec rs;
  if (git_revparse(&rs, repo, spec.c_str()) != 0)
    return Error{fmt::format("--range '{}': {} (give A..B, A...B or one revision)", spec, git_error_text())};
  ObjectPtr from(rs.from), to(rs.to);
  CommitSet s;
  s.label = spec;
  if (!(rs.flags & GIT_REVSPEC_RANGE)) {
    // A commit, or a tree or blob (a tag of one): load_range takes any of them.
    s.tips.push_back(*git_object_id(from.get()));
    return s;
  }
  auto a = peel_commit(repo, spec, from.get());
  if (!a) return Error{a.error()};
  if (!(rs.flags & GIT_REVSPEC_MERGE_BASE)) {
    auto b = peel_commit(repo, spec, to.get());
    s.tips.push_back(b ? *b : *git_object_id(to.get()));  // A..<tree or blob>: all of it
    s.hide.push_back(*a);
    return s;
  }
  auto b = peel_commit(repo, spec, to.get());
  if (!b) return Error{b.error()};
  s.tips = {*a, *b};
  git_oid base;
  if (git_merge_base(&base, repo, &*a, &*b) == 0) s.hide.push_back(base);
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
