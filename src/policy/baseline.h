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
  // The key its fingerprints were computed with ("# fingerprint-key: ..." in the header);
  // "" in baselines written before fingerprints were keyed (their entries are legacy).
  std::string key;
};

Result<Baseline> load_baseline(const std::string& path);
// The same from a baseline's text (the staged one, in the pre-commit hook); path names it
// in messages.
Result<Baseline> parse_baseline(const std::string& text, const std::string& path);
// Drops baselined findings (an entry matches a finding's fingerprint or any of its other
// forms); returns the baseline entries that matched nothing.
std::vector<std::string> apply_baseline(const Baseline& b, std::vector<Finding>& findings);
// The baseline file for findings whose fingerprints were computed with key.
std::string format_baseline(const std::vector<Finding>& findings, const std::string& key);

}  // namespace keyward
