#include "baseline.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "fingerprint.h"

namespace keyward {

Result<Baseline> load_baseline(const std::string& path) {
  // A directory opens and reads as empty: it would pass as a baseline without entries.
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    return Error{fmt::format("baseline '{}' is a directory, not a baseline file", path)};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("cannot read baseline '{}' (write one with 'keyward baseline -o {}')", path, path)};
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Error{fmt::format("cannot read baseline '{}'", path)};
  return parse_baseline(text, path);
}

Result<Baseline> parse_baseline(const std::string& text, const std::string& path) {
  std::istringstream in(text);
  Baseline b;
  std::string line;
  int n = 0;
  bool header = false;  // the line format_baseline writes first
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("# keyward baseline", 0) == 0) header = true;
    static const std::string kKeyLine = "# fingerprint-key: ";
    if (line.compare(0, kKeyLine.size(), kKeyLine) == 0) {
      std::string key = line.substr(kKeyLine.size());
      while (!key.empty() && (key.back() == '\r' || key.back() == ' ')) key.pop_back();
      if (!fingerprint_key_problem(key).empty())
        return Error{fmt::format("{}:{}:{}: the fingerprint key is not valid (rewrite the baseline with 'keyward "
                                 "baseline -o {}')", path, n, kKeyLine.size() + 1, path)};
      b.key = key;
      continue;
    }
    auto hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t')) line.pop_back();
    size_t lead = line.find_first_not_of(" \t");
    if (lead == std::string::npos) continue;
    line.erase(0, lead);
    // An entry is a fingerprint, optionally followed by the rule id for readers. A wrong
    // file (a .env given by mistake) must not be echoed: it is likely full of secrets.
    std::string fp = line.substr(0, line.find(' '));
    if (fp.size() != 32 || fp.find_first_not_of("0123456789abcdef") != std::string::npos)
      return Error{fmt::format("{}:{}:{}: not a keyward fingerprint (a baseline line is 32 hex digits and a rule "
                               "id; write one with 'keyward baseline -o {}')", path, n, lead + 1, path)};
    b.fingerprints.insert(fp);
  }
  // Nothing but blanks and comments, and not written by keyward: some other file, named by
  // mistake, would silently baseline nothing.
  if (b.fingerprints.empty() && !header)
    return Error{fmt::format("'{}' is not a keyward baseline (no fingerprints and no '# keyward baseline' header; "
                             "write one with 'keyward baseline -o {}')", path, path)};
  return b;
}

std::vector<std::string> apply_baseline(const Baseline& b, std::vector<Finding>& findings) {
  std::set<std::string> used;
  findings.erase(std::remove_if(findings.begin(), findings.end(),
                                [&](const Finding& f) {
                                  bool hit = false;
                                  if (b.fingerprints.count(f.fingerprint)) hit = true, used.insert(f.fingerprint);
                                  for (auto& form : f.fingerprint_forms)
                                    if (b.fingerprints.count(form)) hit = true, used.insert(form);
                                  return hit;
                                }),
                 findings.end());
  std::vector<std::string> unused;
  for (auto& fp : b.fingerprints)
    if (!used.count(fp)) unused.push_back(fp);
  return unused;
}

std::string format_baseline(const std::vector<Finding>& findings, const std::string& key) {
  std::set<std::pair<std::string, std::string>> entries;
  for (auto& f : findings) entries.emplace(f.fingerprint, f.rule_id);
  std::string out = "# keyward baseline: known findings, one fingerprint per line (rule id for readers).\n";
  // The key travels with the fingerprints it made, so the file is read the same anywhere.
  if (!key.empty()) out += "# fingerprint-key: " + key + "\n";
  for (auto& [fp, rule] : entries) out += fmt::format("{} {}\n", fp, rule);
  return out;
}

}  // namespace keyward
