#include "name_scan.h"

#include <algorithm>
#include <map>
#include <string_view>

#include <fmt/format.h>

namespace keyward {

Status scan_names(const Scanner& scanner, const std::vector<std::string>& names, const char* kind, Report& report) {
  if (names.empty()) return std::nullopt;
  // A name may itself hold '\n' (git allows it): findings are mapped back by offset, not
  // by line, so that only splits the name into two lines of the pseudo-blob.
  std::string joined;
  std::vector<size_t> starts;
  starts.reserve(names.size());
  for (auto& n : names) {
    starts.push_back(joined.size());
    joined += n;
    joined += '\n';
  }
  auto scratch = scanner.matcher().make_scratch();
  if (!scratch) return Error{scratch.error()};
  BlobFacts facts;
  // The pseudo path has no extension: no decoder picks a format by a name's suffix.
  auto found = scanner.scan(fmt::format("<{}s>", kind), joined, *scratch, &facts, false);
  if (!found) return Error{fmt::format("the {}s ({} bytes): {}", kind, joined.size(), found.error())};
  const bool files = std::string_view(kind) == kFileName;
  std::map<size_t, std::vector<Finding>> per_name;
  for (auto& f : *found) {
    size_t i = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), f.offset) - starts.begin()) - 1;
    const std::string& n = names[i];
    std::string_view rel = n;
    while (rel.substr(0, 2) == "./") rel.remove_prefix(2);  // allowlists are relative to the root
    if (files && scanner.policy().allowed_at(f.rule_id, rel)) continue;
    f.offset -= starts[i];
    f.end_offset = std::min(f.end_offset - starts[i], n.size());
    f.path = n;
    f.in_name = kind;
    per_name[i].push_back(std::move(f));
  }
  // Lines, columns and the excerpt within the name itself (other secrets in it masked).
  for (auto& [i, fs] : per_name) {
    locate(names[i], fs);
    for (auto& f : fs) report.findings.push_back(std::move(f));
  }
  return std::nullopt;
}

}  // namespace keyward
