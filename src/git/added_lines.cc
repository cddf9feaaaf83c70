#include "added_lines.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "git_handles.h"

namespace keyward {
namespace {

using LineRanges = std::vector<std::pair<uint32_t, uint32_t>>;  // 1-based, inclusive

// A lone '\r' becomes '\n' (same length, same offsets), so git's diff, which ends lines
// at '\n' only, sees the lines locate() counts. Copies only data that has a '\r'.
std::string_view lf_line_ends(std::string_view d, std::string& copy) {
  if (d.find('\r') == std::string_view::npos) return d;
  copy.assign(d.data(), d.size());
  for (size_t i = 0; i < copy.size(); ++i)
    if (copy[i] == '\r' && (i + 1 == copy.size() || copy[i + 1] != '\n')) copy[i] = '\n';
  return copy;
}

}  // namespace

Result<std::vector<bool>> added_spans(std::string_view old_raw, std::string_view new_raw, const ByteSpans& spans) {
  std::string old_copy, new_copy;
  std::string_view old_data = lf_line_ends(old_raw, old_copy), new_data = lf_line_ends(new_raw, new_copy);
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.context_lines = 0;
  opts.interhunk_lines = 0;
  opts.flags = GIT_DIFF_FORCE_TEXT;  // binary files have lines too; a secret in one still counts
  LineRanges added;
  auto on_hunk = [](const git_diff_delta*, const git_diff_hunk* h, void* payload) -> int {
    auto* r = static_cast<LineRanges*>(payload);
    if (h->new_lines > 0)
      r->emplace_back(static_cast<uint32_t>(h->new_start), static_cast<uint32_t>(h->new_start + h->new_lines - 1));
    return 0;
  };
  if (git_diff_buffers(old_data.data(), old_data.size(), nullptr, new_data.data(), new_data.size(), nullptr, &opts,
                       nullptr, nullptr, on_hunk, nullptr, &added) != 0)
    return Error{"cannot diff: " + git_error_text()};

  // Byte lines of each span's first and last byte, in one pass over the sorted offsets.
  std::vector<std::pair<size_t, size_t>> at;  // (offset, 2 * span + is_last)
  for (size_t i = 0; i < spans.size(); ++i) {
    size_t b = std::min(spans[i].first, new_data.size());
    size_t e = std::max(b, std::min(spans[i].second, new_data.size()));
    at.emplace_back(b, 2 * i);
    at.emplace_back(e > b ? e - 1 : b, 2 * i + 1);
  }
  std::sort(at.begin(), at.end());
  std::vector<uint32_t> line(2 * spans.size());
  size_t pos = 0;
  uint32_t n = 1;
  for (auto& [off, k] : at) {
    n += static_cast<uint32_t>(std::count(new_data.begin() + pos, new_data.begin() + off, '\n'));
    pos = off;
    line[k] = n;
  }
  std::vector<bool> out(spans.size(), false);
  for (size_t i = 0; i < spans.size(); ++i)
    for (auto& [a, b] : added)
      if (a <= line[2 * i + 1] && line[2 * i] <= b) out[i] = true;
  return out;
}

Result<std::vector<bool>> added_spans(git_repository* repo, const git_oid& old_id, const git_oid& new_id,
                                      const ByteSpans& spans) {
  git_blob* a = nullptr;
  git_blob* b = nullptr;
  if (git_blob_lookup(&a, repo, &old_id) != 0)
    return Error{fmt::format("cannot read blob {}: {}", oid_hex(old_id), git_error_text())};
  BlobPtr old_blob(a);
  if (git_blob_lookup(&b, repo, &new_id) != 0)
    return Error{fmt::format("cannot read blob {}: {}", oid_hex(new_id), git_error_text())};
  BlobPtr new_blob(b);
  auto view = [](git_blob* x) {
    return std::string_view(static_cast<const char*>(git_blob_rawcontent(x)), static_cast<size_t>(git_blob_rawsize(x)));
  };
  auto r = added_spans(view(old_blob.get()), view(new_blob.get()), spans);
  if (!r) return Error{fmt::format("blob {}: {}", oid_hex(new_id), r.error())};
  return r;
}

}  // namespace keyward
