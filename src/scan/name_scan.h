// Names are published like content: a token in a file name (exports/<token>.txt), a
// directory name, or the name of a pushed branch or tag reaches the remote as plainly as
// one inside a file. Each source hands over the names it publishes (pre-commit: the new
// paths; history, range and push: every distinct path; disk: every path walked; pushes:
// the ref names), and they are scanned together as one small pseudo-blob, one name per
// line: one Hyperscan pass per run. A finding names the path (or ref) itself, on line 1
// of it, with Finding::in_name set; reporters mask the secret wherever they print the path.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "report.h"
#include "result.h"
#include "scanner.h"

namespace keyward {

inline constexpr const char* kFileName = "file name";
inline constexpr const char* kRefName = "ref name";

// kind: kFileName (path allowlists apply to the name like to its content) or kRefName.
// Findings are appended to report.findings.
Status scan_names(const Scanner& scanner, const std::vector<std::string>& names, const char* kind, Report& report);

// Names given by index, for a source with a great many long ones (a history walk meets
// every directory of every tree: in a 50,000-deep tree, 2.5 GB of paths). Only each
// name's end is scanned: its last component and kNameContext bytes before it, as much as
// any token spans; the whole name is built only for a name that holds a finding.
inline constexpr size_t kNameContext = 1024;
struct NameSource {
  size_t count = 0;
  // Appends name i's end (a suffix of the whole name) to out.
  std::function<void(size_t i, std::string& out)> tail;
  std::function<std::string(size_t i)> whole;
};
Status scan_names(const Scanner& scanner, const NameSource& names, const char* kind, Report& report);

}  // namespace keyward
