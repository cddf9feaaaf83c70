#include "name_scan.h"

#include <algorithm>
#include <map>
#include <string_view>

#include <fmt/format.h>

namespace keyward {

Status scan_names(const Scanner& scanner, const NameSource& names, const char* kind, Report& report) {
  if (!names.count) return std::nullopt;
  // A name may itself hold '\n' (git allows it): findings are mapped back by offset, not
  // by line, so that only splits the name into two lines of the pseudo-blob.
  std::string joined;
  std::vector<size_t> starts;
  starts.reserve(names.count);
  for (size_t i = 0; i < names.count; ++i) {
    starts.push_back(joined.size());
    names.tail(i, joined);
    joined += '\n';
  }
  starts.push_back(joined.size());
  auto scratch = scanner.matcher().make_scratch();
  if (!scratch) return Error{scratch.error()};
  BlobFacts facts;
  // The pseudo path has no extension: no decoder picks a format by a name's suffix.
  auto found = scanner.scan(fmt::format("<{}s>", kind), joined, *scratch, &facts, false);
  if (!found) return Error{fmt::format("the {}s ({} bytes): {}", kind, joined.size(), found.error())};
  const bool files = std::string_view(kind) == kFileName;
  std::map<size_t, std::vector<Finding>> per_name;
  std::map<size_t, std::string> whole;
  for (auto& f : *found) {
    size_t i = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), f.offset) - starts.begin()) - 1;
    auto [at, fresh] = whole.try_emplace(i);
    if (fresh) at->second = names.whole(i);
    const std::string& n = at->second;
    std::string_view rel = n;
    while (rel.substr(0, 2) == "./") rel.remove_prefix(2);  // allowlists are relative to the root
    if (files && scanner.policy().allowed_at(f.rule_id, rel)) continue;
    // The scanned end of the name sits at the end of the whole name.
    size_t tail_len = starts[i + 1] - 1 - starts[i];
    size_t shift = n.size() >= tail_len ? n.size() - tail_len : 0;
    f.offset = f.offset - starts[i] + shift;
    f.end_offset = std::min(f.end_offset - starts[i] + shift, n.size());
    f.path = n;
    f.in_name = kind;
    per_name[i].push_back(std::move(f));
  }
  // Lines, columns and the excerpt within the name itself (other secrets in it masked).
  for (auto& [i, fs] : per_name) {
    locate(whole[i], fs);
    for (auto& f : fs) report.findings.push_back(std::move(f));
  }
  return std::nullopt;
}

Status scan_names(const Scanner& scanner, const std::vector<std::string>& names, const char* kind, Report& report) {
  NameSource all;
  all.count = names.size();
  all.tail = [&](size_t i, std::string& out) { out += names[i]; };
  all.whole = [&](size_t i) { return names[i]; };
  return scan_names(scanner, all, kind, report);
}

}  // namespace keyward
