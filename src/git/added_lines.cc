#include "added_lines.h"

#include <algorithm>

#include <fmt/format.h>

#include "git_handles.h"

namespace keyward {

Result<LineRanges> added_lines(git_repository* repo, const git_oid& old_id, const git_oid& new_id) {
  git_blob* a = nullptr;
  git_blob* b = nullptr;
  if (git_blob_lookup(&a, repo, &old_id) != 0)
    return Error{fmt::format("cannot read blob {}: {}", oid_hex(old_id), git_error_text())};
  BlobPtr old_blob(a);
  if (git_blob_lookup(&b, repo, &new_id) != 0)
    return Error{fmt::format("cannot read blob {}: {}", oid_hex(new_id), git_error_text())};
  BlobPtr new_blob(b);
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.context_lines = 0;
  opts.interhunk_lines = 0;
  opts.flags = GIT_DIFF_FORCE_TEXT;  // binary files have lines too; a secret in one still counts
  LineRanges out;
  auto on_hunk = [](const git_diff_delta*, const git_diff_hunk* h, void* payload) -> int {
    auto* r = static_cast<LineRanges*>(payload);
    if (h->new_lines > 0)
      r->emplace_back(static_cast<uint32_t>(h->new_start), static_cast<uint32_t>(h->new_start + h->new_lines - 1));
    return 0;
  };
  if (git_diff_blobs(old_blob.get(), nullptr, new_blob.get(), nullptr, &opts, nullptr, nullptr, on_hunk, nullptr,
                     &out) != 0)
    return Error{fmt::format("cannot diff blob {}: {}", oid_hex(new_id), git_error_text())};
  std::sort(out.begin(), out.end());
  return out;
}

bool touches(const LineRanges& ranges, uint32_t first, uint32_t last) {
  for (auto& [a, b] : ranges)
    if (a <= last && first <= b) return true;
  return false;
}

}  // namespace keyward
