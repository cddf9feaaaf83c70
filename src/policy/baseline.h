// Baselines: the fingerprints of known findings, one per line, sorted, nothing else (no
// line numbers, no timestamps), so a baseline is stable under edits, rebases and merges.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "finding.h"
#include "result.h"

namespace keyward {

struct Baseline {
  std::set<std::string> fingerprints;
};

Result<Baseline> load_baseline(const std::string& path);
// Drops baselined findings; returns the baseline entries that matched nothing.
std::vector<std::string> apply_baseline(const Baseline& b, std::vector<Finding>& findings);
std::string format_baseline(const std::vector<Finding>& findings);

}  // namespace keyward
