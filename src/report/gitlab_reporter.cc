#include "gitlab_reporter.h"

#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "advice.h"
#include "json_writer.h"
#include "rule_set.h"
#include "sha256.h"

namespace keyward {
namespace {

constexpr const char* kSchemaVersion = "15.0.7";
// What GitLab shows for a finding outside any commit (a disk scan, standard input): its
// own analyzer uses the same placeholder.
constexpr const char* kNoCommit = "0000000";
// The format's length limits (maxLength, in characters).
constexpr size_t kMaxName = 255;
constexpr size_t kMaxSolution = 7000;
constexpr size_t kMaxDescription = 1048576;

// The schema's date-time pattern: UTC, seconds, no zone suffix.
std::string gitlab_time(std::time_t t) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

// A stable id per finding and place (GitLab tracks a vulnerability across pipelines by
// it), shaped as a UUID; built from the fingerprint, never from the secret.
std::string finding_id(const Finding& f) {
  std::string h = Sha256::hex(fmt::format("{}\n{}\n{}\n{}\n{}", f.rule_id, f.fingerprint, f.path, f.line, f.commit));
  return fmt::format("{}-{}-{}-{}-{}", h.substr(0, 8), h.substr(8, 4), h.substr(12, 4), h.substr(16, 4),
                     h.substr(20, 12));
}

// The rule's severity: high is Critical (a committed credential), medium and low are
// themselves. Hygiene findings (a notebook checkpoint folder) claim no secret: Low.
const char* severity(const Finding& f) {
  if (f.secret.empty() || f.severity == "low") return "Low";
  return f.severity == "medium" ? "Medium" : "Critical";
}

// The report format caps some texts (name 255 characters, solution 7000, description 1 MiB)
// and GitLab rejects a whole report with one text too long; a rule from .keyward.toml may
// have any length. Cut at a UTF-8 boundary with an ellipsis. The cap is in bytes, which is
// never fewer than the characters counted (an invalid byte becomes one U+FFFD).
std::string capped(std::string s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t cut = max_bytes - 3;  // room for the 3-byte ellipsis
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  return s + "\xE2\x80\xA6";  // U+2026 …
}

// identifiers[].url must be a URL (^(https?|ftp)://.+); a rule's references may also hold
// plain notes, which GitLab would reject.
const std::string* first_url(const Rule* r) {
  if (!r) return nullptr;
  for (const std::string& ref : r->references)
    for (const char* scheme : {"https://", "http://", "ftp://"})
      if (ref.size() > std::strlen(scheme) && ref.compare(0, std::strlen(scheme), scheme) == 0) return &ref;
  return nullptr;
}

}  // namespace

void write_gitlab(std::ostream& out, const Report& report, const ReportOptions& opts, std::time_t end_time) {
  ReportOptions masked = opts;
  masked.show_secrets = false;
  if (!end_time) end_time = std::time(nullptr);
  std::time_t start_time = end_time - static_cast<std::time_t>(std::ceil(report.stats.seconds));
  const std::string tool = fmt::format(
      "{{\"id\": \"keyward\", \"name\": \"keyward\", \"url\": \"https://github.com/keyward/keyward\", "
      "\"vendor\": {{\"name\": \"keyward\"}}, \"version\": {}}}", json_string(KEYWARD_VERSION));
  out << "{\n  \"version\": " << json_string(kSchemaVersion) << ",\n  \"vulnerabilities\": [";
  bool first = true;
  for (const Finding& f : report.findings) {
    out << (first ? "\n    " : ",\n    ");
    first = false;
    const Rule* r = report.rules ? report.rules->find(f.rule_id) : nullptr;
    std::string desc = f.description;
    if (!f.secret.empty()) desc += fmt::format(": {}", shown_secret(f, masked));
    if (f.cell) desc += fmt::format(" (cell {}{}, line {})", f.cell, f.cell_output ? " output" : f.cell_attachment ? " attachment" : "", f.cell_line);
    desc += ".";
    // What to do goes in `solution`, which GitLab shows as such (its integration guide: the
    // description should not repeat it); chosen for the place (advice.h).
    std::string solution = advice_for(f, report.mode);
    out << "{\"id\": " << json_string(finding_id(f)) << ", \"category\": \"secret_detection\", \"name\": "
        << json_string(capped(f.description, kMaxName)) << ", \"description\": " << json_string(capped(desc, kMaxDescription))
        << ", \"solution\": " << json_string(capped(solution, kMaxSolution))
        << ", \"severity\": " << json_string(severity(f))
        << ", \"scanner\": {\"id\": \"keyward\", \"name\": \"keyward\"}"
        << ", \"location\": {\"file\": " << json_string(f.path) << fmt::format(", \"start_line\": {}, \"end_line\": {}", f.line, std::max(f.line, f.end_line))
        << ", \"commit\": {\"sha\": " << json_string(f.commit.empty() ? kNoCommit : f.commit);
    if (!f.author.empty()) out << ", \"author\": " << json_string(f.author);
    if (!f.date.empty()) out << ", \"date\": " << json_string(f.date);
    out << "}}, \"identifiers\": [{\"type\": \"keyward_rule_id\", \"name\": " << json_string("keyward rule ID " + f.rule_id)
        << ", \"value\": " << json_string(f.rule_id);
    if (const std::string* url = first_url(r)) out << ", \"url\": " << json_string(*url);
    out << "}]}";
  }
  out << (first ? "" : "\n  ") << "],\n  \"scan\": {\"analyzer\": " << tool << ", \"scanner\": " << tool
      << ", \"type\": \"secret_detection\", \"start_time\": " << json_string(gitlab_time(start_time))
      << ", \"end_time\": " << json_string(gitlab_time(end_time)) << ", \"status\": \"success\"}\n}\n";
}

}  // namespace keyward
