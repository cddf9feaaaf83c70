// A secret found in a name (Finding::in_name) is in the path every report prints: for that
// finding, for the other findings in the same file, and in other places of history. Each
// reporter prints paths through one PathMasker, which masks those secrets in any path.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "report.h"

namespace keyward {

class PathMasker {
 public:
  PathMasker(const Report& report, const ReportOptions& opts);
  // `path` with every secret found in a name masked (as is with --show-secrets).
  std::string operator()(const std::string& path) const;

 private:
  std::map<std::string, std::vector<std::pair<size_t, size_t>>> spans_;  // path -> secret spans in it
  std::vector<std::string> secrets_;  // the secrets found in names, masked wherever they recur
};

}  // namespace keyward
