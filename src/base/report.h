// What every reporter receives: the findings of a whole scan and its statistics. Reporters
// format; they never re-run regexes or touch git.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "finding.h"

namespace keyward {

class RuleSet;

struct ScanStats {
  size_t blobs = 0;    // blobs (or files) scanned
  size_t bytes = 0;    // bytes scanned
  double seconds = 0;  // wall time of the scan
  size_t skipped = 0;  // blobs not scanned (submodules, LFS pointers, missing objects, ...)
  size_t missing_objects = 0;  // commits, trees or blobs a history scan needed but could not read
  std::vector<std::string> notes;  // one sentence each, shown with --verbose
  std::vector<std::string> warnings;  // what was not scanned, shown on every run (also in notes)
  // What could not be scanned: the report is still written, then the run exits 2.
  std::vector<std::string> errors;
};

struct Report {
  std::vector<Finding> findings;
  ScanStats stats;
  const RuleSet* rules = nullptr;
  std::string mode;  // "pre-commit", "pre-merge-commit", "history", "range", "disk", "pre-receive"
  std::vector<std::string> unused_baseline;  // --report-unused: fingerprints that matched nothing
};

struct ReportOptions {
  bool show_secrets = false;
  bool color = false;
  bool verbose = false;
};

// How a secret is shown in this report: masked unless the user asked otherwise.
std::string shown_secret(const Finding& f, const ReportOptions& o);
// Metadata a reporter prints (an author, a path): every secret of the report masked in it,
// unless the user asked otherwise.
std::string shown_text(std::string_view text, const Report& report, const ReportOptions& o);

}  // namespace keyward
