#include "staged_source.h"

#include <algorithm>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "added_lines.h"
#include "blob_scan.h"
#include "checkpoint.h"
#include "git_handles.h"
#include "name_scan.h"
#include "staged_changes.h"

namespace keyward {

namespace {

// From this many blobs on, a staged change is scanned on every core; a small commit stays
// on one thread and never pays for starting threads and opening the repository again.
constexpr size_t kParallelBlobs = 32;

// What scanning one staged blob gave.
struct Outcome {
  std::vector<Finding> found;
  std::string not_scanned;
};

Status read_error(const StagedChange& c) {
  return Error{fmt::format("cannot read the staged blob {} for '{}': {}", oid_hex(c.new_id), c.path, git_error_text())};
}

Status too_large(const StagedChange& c, size_t size, const SourceLimits& limits) {
  return Error{fmt::format("'{}' is {} MiB, over the {} MiB scan limit", c.path, size >> 20, limits.max_blob_bytes >> 20)};
}

// Scans the staged blobs of changes[wanted[j]], each at paths[j], into outcomes[wanted[j]]
// (appending to the outcome's findings); an unreadable (missing) or oversized blob fails
// closed, reported for the first such change in index order.
Status scan_wanted(git_repository* repo, const Scanner& scanner, const std::vector<StagedChange>& changes,
                   const std::vector<size_t>& wanted, const std::vector<std::string_view>& paths,
                   const SourceLimits& limits, std::vector<Outcome>& outcomes, size_t* bytes) {
  if (wanted.empty()) return std::nullopt;
  std::vector<BlobJob> jobs;
  jobs.reserve(wanted.size());
  for (size_t j = 0; j < wanted.size(); ++j) jobs.push_back(BlobJob{changes[wanted[j]].new_id, paths[j]});
  BlobScanOptions opts;
  opts.pack_order = false;  // freshly staged blobs are loose objects
  opts.max_blob_bytes = limits.max_blob_bytes;
  opts.parallel_from = kParallelBlobs;
  opts.name_by_path = true;
  auto scanned = scan_blobs(repo, jobs, scanner, opts);
  if (!scanned) return Error{scanned.error()};
  size_t first_bad = SIZE_MAX;
  for (size_t j : scanned->missing_jobs) first_bad = std::min(first_bad, j);
  for (auto& [j, size] : scanned->oversized) first_bad = std::min(first_bad, j);
  if (first_bad != SIZE_MAX) {
    const StagedChange& c = changes[wanted[first_bad]];
    for (auto& [j, size] : scanned->oversized)
      if (j == first_bad) return too_large(c, size, limits);
    git_blob* raw = nullptr;  // again, for libgit2's own words on why
    int rc = git_blob_lookup(&raw, repo, &c.new_id);
    BlobPtr blob(raw);
    if (rc != 0) return read_error(c);
    return Error{fmt::format("cannot read the staged blob {} for '{}'", oid_hex(c.new_id), c.path)};
  }
  if (bytes) *bytes += scanned->bytes;
  for (auto& bf : scanned->found) {
    auto& found = outcomes[wanted[bf.job]].found;
    for (auto& f : bf.findings) found.push_back(std::move(f));
  }
  for (auto& [j, why] : scanned->not_scanned_why) outcomes[wanted[j]].not_scanned = std::move(why);
  return std::nullopt;
}

// Whether any allowlist depends on the path. Without one, a blob judges the same at every
// path, and an exact rename (which adds no lines) need not be read at all.
bool has_path_allowlists(const Config& cfg) {
  if (!cfg.allow_paths.empty() || !cfg.allow_path_regexes.empty()) return true;
  for (auto& [id, o] : cfg.overrides)
    if (!o.allow_paths.empty() || !o.allow_path_regexes.empty()) return true;
  return false;
}

}  // namespace

Status scan_staged(git_repository* repo, const Engine& engine, Report& report, const SourceLimits& limits,
                   const StagedOptions& index) {
  auto staged = staged_changes(repo, index);
  if (!staged) return Error{staged.error()};
  const Scanner& scanner = engine.scanner();
  const auto& changes = staged->changes;
  // An exact rename adds no lines, so it is not scanned, unless an allowlist covered the
  // content at its old place: then what that allowlist hid is new at the new place, where
  // it no longer applies (docs/user-guide.md, "Renames, copies and merges").
  const bool rejudge_renames = has_path_allowlists(engine.config());
  auto plain_rename = [&](const StagedChange& c) { return !c.renamed_from.empty() && !rejudge_renames; };
  auto skipped = [&](const StagedChange& c) {
    return c.new_mode == GIT_FILEMODE_COMMIT || scanner.policy().path_allowed(c.path) || plain_rename(c);
  };

  std::vector<size_t> wanted;
  for (size_t i = 0; i < changes.size(); ++i)
    if (!skipped(changes[i])) wanted.push_back(i);
  std::vector<Outcome> outcomes(changes.size());
  {
    std::vector<std::string_view> paths;
    for (size_t i : wanted) paths.push_back(changes[i].path);
    if (auto e = scan_wanted(repo, scanner, changes, wanted, paths, limits, outcomes, &report.stats.bytes)) return e;
  }
  // A renamed blob with findings is scanned again at each old place: a finding that one of
  // them reported too was already there, judged there; the rename adds nothing to it. One
  // that every old place's allowlist hid is new here.
  std::vector<Outcome> before(changes.size());
  {
    std::vector<size_t> again;
    std::vector<std::string_view> old_paths;
    for (size_t i : wanted)
      if (!outcomes[i].found.empty())
        for (const std::string& old_path : changes[i].renamed_from)
          if (!scanner.policy().path_allowed(old_path)) {
            again.push_back(i);
            old_paths.push_back(old_path);
          }
    if (!again.empty())
      if (auto e = scan_wanted(repo, scanner, changes, again, old_paths, limits, before, nullptr)) return e;
  }

  for (size_t i = 0; i < changes.size(); ++i) {
    const StagedChange& c = changes[i];
    if (c.new_mode == GIT_FILEMODE_COMMIT) {
      ++report.stats.skipped;
      report.stats.notes.push_back(fmt::format("{}: submodule (gitlink) not scanned", c.path));
      continue;
    }
    if (scanner.policy().path_allowed(c.path) || plain_rename(c)) continue;
    if (engine.scanner().policy().checkpoint_at(c.path) && c.kind == StagedChange::Kind::Added)
      report.findings.push_back(checkpoint_finding(c.path));

    Outcome& o = outcomes[i];
    ++report.stats.blobs;
    if (!o.not_scanned.empty()) {
      ++report.stats.skipped;
      report.stats.notes.push_back(fmt::format("{}: {}, not scanned", c.path, o.not_scanned));
    }
    if (o.found.empty()) continue;
    if (!before[i].found.empty()) {
      const auto& old = before[i].found;
      auto& v = o.found;
      v.erase(std::remove_if(v.begin(), v.end(),
                             [&](const Finding& f) {
                               return std::any_of(old.begin(), old.end(), [&](const Finding& b) {
                                 return b.rule_id == f.rule_id && b.offset == f.offset && b.end_offset == f.end_offset;
                               });
                             }),
              v.end());
      if (o.found.empty()) continue;
    }
    if (c.kind == StagedChange::Kind::Modified) {
      // Only now read HEAD's side: clean blobs never pay for a diff.
      ByteSpans spans;
      for (const Finding& f : o.found) spans.emplace_back(f.offset, f.end_offset);
      auto added = added_spans(repo, c.old_id, c.new_id, spans);
      if (!added)
        return Error{fmt::format("'{}': {} (HEAD's version is needed to tell added lines from old ones; keyward "
                                 "never fetches missing objects: run 'git fetch' or 'git cat-file -p HEAD:{}' first)",
                                 c.path, added.error(), c.path)};
      std::vector<Finding> kept;
      for (size_t k = 0; k < o.found.size(); ++k)
        if ((*added)[k]) kept.push_back(std::move(o.found[k]));
      o.found = std::move(kept);
    }
    for (auto& f : o.found) report.findings.push_back(std::move(f));
  }
  // New paths (added, renamed or copied files, submodules) publish their names.
  std::vector<std::string> names;
  for (const StagedChange& c : changes)
    if (c.kind == StagedChange::Kind::Added && !scanner.policy().path_allowed(c.path)) names.push_back(c.path);
  if (auto e = scan_names(scanner, names, kFileName, report)) return e;
  if (!staged->conflicted.empty()) {
    // Said on every run, not only with -v: a conflicted index is not what a commit records.
    const auto& paths = staged->conflicted;
    std::string list;
    for (size_t i = 0; i < paths.size() && i < 5; ++i) list += (i ? ", " : "") + paths[i];
    if (paths.size() > 5) list += fmt::format(", and {} more", paths.size() - 5);
    std::string note = fmt::format(
        "{} conflicted path{} (a merge in progress): their \"ours\" and \"theirs\" versions were scanned "
        "as changes against HEAD: {}",
        paths.size(), paths.size() == 1 ? "" : "s", list);
    std::string shown = note;  // paths may hold terminal control bytes
    for (char& ch : shown)
      if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
    std::cerr << "keyward: note: " << shown << '\n';
    report.stats.notes.push_back(std::move(note));
  }
  if (staged->deleted)
    report.stats.notes.push_back(fmt::format("{} deleted file{} not scanned (deletions add nothing)",
                                             staged->deleted, staged->deleted == 1 ? "" : "s"));
  return std::nullopt;
}

}  // namespace keyward
