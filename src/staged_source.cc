#include "staged_source.h"

#include <algorithm>

#include <fmt/format.h>

#include "added_lines.h"
#include "checkpoint.h"
#include "git_handles.h"
#include "staged_changes.h"

namespace keyward {

Status scan_staged(git_repository* repo, const Engine& engine, Report& report, const SourceLimits& limits) {
  auto staged = staged_changes(repo);
  if (!staged) return Error{staged.error()};
  auto scratch = engine.matcher().make_scratch();
  if (!scratch) return Error{scratch.error()};
  const Scanner& scanner = engine.scanner();

  for (const StagedChange& c : staged->changes) {
    if (c.new_mode == GIT_FILEMODE_COMMIT) {
      ++report.stats.skipped;
      report.stats.notes.push_back(fmt::format("{}: submodule (gitlink) not scanned", c.path));
      continue;
    }
    if (scanner.path_allowed(c.path)) continue;
    if (engine.config().block_checkpoints && is_checkpoint_path(c.path) && c.kind == StagedChange::Kind::Added)
      report.findings.push_back(checkpoint_finding(c.path));

    git_blob* raw = nullptr;
    if (git_blob_lookup(&raw, repo, &c.new_id) != 0)
      return Error{fmt::format("cannot read the staged blob {} for '{}': {}", oid_hex(c.new_id), c.path,
                               git_error_text())};
    BlobPtr blob(raw);
    size_t size = static_cast<size_t>(git_blob_rawsize(blob.get()));
    if (size > limits.max_blob_bytes)
      return Error{fmt::format("'{}' is {} MiB, over the {} MiB scan limit", c.path, size >> 20,
                               limits.max_blob_bytes >> 20)};
    std::string_view data(static_cast<const char*>(git_blob_rawcontent(blob.get())), size);
    BlobFacts facts;
    auto found = scanner.scan(c.path, data, *scratch, &facts);
    if (!found) return Error{fmt::format("'{}': {}", c.path, found.error())};
    ++report.stats.blobs;
    report.stats.bytes += size;
    if (!facts.not_scanned.empty()) {
      ++report.stats.skipped;
      report.stats.notes.push_back(fmt::format("{}: {}, not scanned", c.path, facts.not_scanned));
    }
    if (found->empty()) continue;
    if (c.kind == StagedChange::Kind::Modified) {
      // Only now read HEAD's side: clean blobs never pay for a diff.
      auto added = added_lines(repo, c.old_id, c.new_id);
      if (!added)
        return Error{fmt::format("'{}': {} (HEAD's version is needed to tell added lines from old ones; keyward "
                                 "never fetches missing objects: run 'git fetch' or 'git cat-file -p HEAD:{}' first)",
                                 c.path, added.error(), c.path)};
      auto& v = *found;
      v.erase(std::remove_if(v.begin(), v.end(),
                             [&](const Finding& f) { return !touches(*added, f.line, f.end_line); }),
              v.end());
    }
    for (auto& f : *found) report.findings.push_back(std::move(f));
  }
  if (staged->deleted)
    report.stats.notes.push_back(fmt::format("{} deleted file{} not scanned (deletions add nothing)",
                                             staged->deleted, staged->deleted == 1 ? "" : "s"));
  return std::nullopt;
}

}  // namespace keyward
