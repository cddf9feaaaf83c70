#include "sarif_reporter.h"
#include "rule_set.h"

#include <map>

#include <fmt/format.h>

#include "json_writer.h"
#include "path_mask.h"

namespace keyward {
namespace {

// A rule's severity in SARIF: high is an error (a committed credential of such a rule is a
// critical vulnerability: 9.0 on the 0-10 scale code-scanning services rank by), medium a
// warning, low a note.
const char* sarif_level(const std::string& severity) {
  return severity == "low" ? "note" : severity == "medium" ? "warning" : "error";
}
const char* security_severity(const std::string& severity) {
  return severity == "low" ? "2.0" : severity == "medium" ? "5.0" : "9.0";
}

// SARIF URIs are RFC 3986 references: escape what is not allowed in a relative path.
std::string uri_escape(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

}  // namespace

void write_sarif(std::ostream& out, const Report& report, const ReportOptions& opts) {
  out << "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n"
         "  \"runs\": [{\n    \"tool\": {\"driver\": {\"name\": \"keyward\", \"informationUri\": "
         "\"https://github.com/keyward/keyward\", \"semanticVersion\": " << json_string(KEYWARD_VERSION)
      << ", \"rules\": [";
  // Only the rules that have results (plus their index for ruleIndex): a 400-rule array in
  // every report is noise.
  std::map<std::string, size_t> index;
  std::vector<const Finding*> firsts;
  for (const Finding& f : report.findings)
    if (index.emplace(f.rule_id, index.size()).second) firsts.push_back(&f);
  for (size_t i = 0; i < firsts.size(); ++i) {
    const Finding& f = *firsts[i];
    const Rule* r = report.rules ? report.rules->find(f.rule_id) : nullptr;
    out << (i ? ",\n      " : "\n      ") << "{\"id\": " << json_string(f.rule_id)
        << ", \"shortDescription\": {\"text\": " << json_string(f.description) << "}";
    if (!f.advice.empty()) out << ", \"help\": {\"text\": " << json_string(f.advice) << "}";
    if (r && !r->references.empty()) out << ", \"helpUri\": " << json_string(r->references[0]);
    // The rule's severity, as SARIF's level and as the 0-10 score code-scanning services
    // rank security results by.
    out << ", \"defaultConfiguration\": {\"level\": " << json_string(sarif_level(f.severity)) << "}"
        << ", \"properties\": {\"security-severity\": " << json_string(security_severity(f.severity));
    if (r && !r->provider.empty()) out << ", \"provider\": " << json_string(r->provider);
    out << "}";
    out << "}";
  }
  out << "]}},\n    \"columnKind\": \"utf16CodeUnits\",\n    \"results\": [";
  bool first = true;
  const PathMasker shown_path(report, opts);
  for (const Finding& f : report.findings) {
    out << (first ? "\n      " : ",\n      ");
    first = false;
    std::string msg = fmt::format("{}: {}", f.description, shown_secret(f, opts));
    if (f.cell) msg += fmt::format(" (cell {}{}, line {})", f.cell, f.cell_output ? " output" : f.cell_attachment ? " attachment" : "", f.cell_line);
    out << "{\"ruleId\": " << json_string(f.rule_id) << fmt::format(", \"ruleIndex\": {}", index[f.rule_id])
        << ", \"level\": " << json_string(sarif_level(f.severity)) << ", \"message\": {\"text\": " << json_string(msg) << "}"
        << ", \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": "
        << json_string(uri_escape(shown_path(f.path))) << "}, \"region\": "
        << fmt::format("{{\"startLine\": {}, \"startColumn\": {}, \"endLine\": {}, \"endColumn\": {}}}", f.line,
                       f.column_utf16, f.end_line, f.end_column_utf16)
        << "}}], \"partialFingerprints\": {\"keyward/v1\": " << json_string(f.fingerprint) << "}";
    out << ", \"properties\": {";
    bool pf = true;
    auto prop = [&](const char* k, const std::string& v) {
      out << (pf ? "" : ", ") << json_string(k) << ": " << v;
      pf = false;
    };
    if (!f.commit.empty()) prop("commit", json_string(f.commit));
    if (!f.reachable.empty()) prop("reachable", json_string(f.reachable));
    if (f.cell) {
      prop("cell", std::to_string(f.cell));
      prop("cellLine", std::to_string(f.cell_line));
      prop("cellOutput", f.cell_output ? "true" : "false");
      if (f.cell_attachment) prop("cellAttachment", "true");
    }
    if (!f.in_name.empty()) prop("inName", json_string(f.in_name));
    if (!f.decoded.empty()) prop("decoded", json_string(f.decoded));
    if (!f.validation.empty()) prop("validation", json_string(f.validation));
    if (!f.verification.empty()) {
      prop("verification", json_string(f.verification));
      if (!f.verification_identity.empty()) {
        std::string id = "{";
        for (size_t i = 0; i < f.verification_identity.size(); ++i)
          id += (i ? ", " : "") + json_string(f.verification_identity[i].first) + ": " +
                json_string(shown_text(f.verification_identity[i].second, report, opts));
        prop("verificationIdentity", id + "}");
      }
      if (!f.verification_reason.empty())
        prop("verificationReason", json_string(shown_text(f.verification_reason, report, opts)));
    }
    out << "}}";
  }
  out << (first ? "" : "\n    ") << "]\n  }]\n}\n";
}

}  // namespace keyward
