#include "gitlab_reporter.h"

#include <cmath>

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

// Hygiene findings (a notebook checkpoint folder) claim no secret.
const char* severity(const Finding& f) { return f.secret.empty() ? "Low" : "Critical"; }

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
    desc += ". " + advice_for(f, report.mode);  // chosen for the place (advice.h)
    out << "{\"id\": " << json_string(finding_id(f)) << ", \"category\": \"secret_detection\", \"name\": "
        << json_string(f.description) << ", \"description\": " << json_string(desc)
        << ", \"severity\": " << json_string(severity(f))
        << ", \"scanner\": {\"id\": \"keyward\", \"name\": \"keyward\"}"
        << ", \"location\": {\"file\": " << json_string(f.path) << fmt::format(", \"start_line\": {}, \"end_line\": {}", f.line, std::max(f.line, f.end_line))
        << ", \"commit\": {\"sha\": " << json_string(f.commit.empty() ? kNoCommit : f.commit);
    if (!f.author.empty()) out << ", \"author\": " << json_string(f.author);
    if (!f.date.empty()) out << ", \"date\": " << json_string(f.date);
    out << "}}, \"identifiers\": [{\"type\": \"keyward_rule_id\", \"name\": " << json_string("keyward rule ID " + f.rule_id)
        << ", \"value\": " << json_string(f.rule_id);
    if (r && !r->references.empty()) out << ", \"url\": " << json_string(r->references[0]);
    out << "}]}";
  }
  out << (first ? "" : "\n  ") << "],\n  \"scan\": {\"analyzer\": " << tool << ", \"scanner\": " << tool
      << ", \"type\": \"secret_detection\", \"start_time\": " << json_string(gitlab_time(start_time))
      << ", \"end_time\": " << json_string(gitlab_time(end_time)) << ", \"status\": \"success\"}\n}\n";
}

}  // namespace keyward
