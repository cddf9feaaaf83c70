#include "path_mask.h"

#include <algorithm>

#include "mask.h"

namespace keyward {

PathMasker::PathMasker(const Report& report, const ReportOptions& opts) {
  if (opts.show_secrets) return;
  for (const Finding& f : report.findings) {
    if (f.in_name.empty()) continue;
    if (f.end_offset > f.offset && f.end_offset <= f.path.size()) spans_[f.path].emplace_back(f.offset, f.end_offset);
    if (!f.secret.empty() && std::find(secrets_.begin(), secrets_.end(), f.secret) == secrets_.end())
      secrets_.push_back(f.secret);
  }
}

std::string PathMasker::operator()(const std::string& path) const {
  if (secrets_.empty()) return path;
  std::vector<std::pair<size_t, size_t>> spans;
  if (auto it = spans_.find(path); it != spans_.end()) spans = it->second;
  for (const std::string& s : secrets_)
    for (size_t at = path.find(s); at != std::string::npos; at = path.find(s, at + 1))
      spans.emplace_back(at, at + s.size());
  return spans.empty() ? path : mask_spans(path, std::move(spans));
}

}  // namespace keyward
