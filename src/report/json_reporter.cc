#include "json_reporter.h"
#include "rule_set.h"

#include <fmt/format.h>

#include "json_writer.h"
#include "path_mask.h"

namespace keyward {

void write_json(std::ostream& out, const Report& report, const ReportOptions& opts) {
  out << "{\"version\": 1,\n \"findings\": [";
  bool first = true;
  const PathMasker shown_path(report, opts);
  for (const Finding& f : report.findings) {
    out << (first ? "\n  " : ",\n  ");
    first = false;
    out << "{\"rule\": " << json_string(f.rule_id) << ", \"severity\": " << json_string(f.severity)
        << ", \"description\": " << json_string(f.description)
        << ", \"path\": " << json_string(shown_path(f.path))
        << fmt::format(", \"line\": {}, \"column\": {}, \"end_line\": {}, \"end_column\": {}", f.line, f.column,
                       f.end_line, f.end_column)
        << ", \"secret\": " << json_string(shown_secret(f, opts)) << ", \"fingerprint\": " << json_string(f.fingerprint);
    if (!f.commit.empty()) {
      out << ", \"commit\": " << json_string(f.commit);
      if (!f.author.empty()) out << ", \"author\": " << json_string(shown_text(f.author, report, opts));
      if (!f.date.empty()) out << ", \"date\": " << json_string(f.date);
      if (!f.reachable.empty()) out << ", \"reachable\": " << json_string(f.reachable);
    }
    if (f.cell)
      out << fmt::format(", \"cell\": {}, \"cell_line\": {}, \"cell_output\": {}", f.cell, f.cell_line,
                         f.cell_output ? "true" : "false");
    if (f.cell_attachment) out << ", \"cell_attachment\": true";
    if (!f.in_name.empty()) out << ", \"in_name\": " << json_string(f.in_name);
    if (!f.decoded.empty()) out << ", \"decoded\": " << json_string(f.decoded);
    if (!f.validation.empty()) out << ", \"validation\": " << json_string(f.validation);
    if (!f.verification.empty()) {
      // --verify: the status as a string (the contract), the details beside it.
      out << ", \"verification\": " << json_string(f.verification);
      if (!f.verification_identity.empty()) {
        out << ", \"verification_identity\": {";
        for (size_t i = 0; i < f.verification_identity.size(); ++i)
          out << (i ? ", " : "") << json_string(f.verification_identity[i].first) << ": "
              << json_string(shown_text(f.verification_identity[i].second, report, opts));
        out << "}";
      }
      if (!f.verification_reason.empty())
        out << ", \"verification_reason\": " << json_string(shown_text(f.verification_reason, report, opts));
    }
    if (!f.commit.empty() || !f.places.empty()) {  // places without a commit: a module's bytecode
      out << fmt::format(", \"places\": {}, \"other_places\": [", f.places.size());
      for (size_t i = 0; i < f.places.size(); ++i)
        out << (i ? ", " : "") << "{\"commit\": " << json_string(f.places[i].commit)
            << ", \"path\": " << json_string(shown_path(f.places[i].path)) << fmt::format(", \"line\": {}}}", f.places[i].line);
      out << "]";
    }
    out << "}";
  }
  out << (first ? "" : "\n ") << "],\n";
  out << fmt::format(" \"stats\": {{\"blobs\": {}, \"bytes\": {}, \"seconds\": {:.6f}, \"skipped\": {}",
                     report.stats.blobs, report.stats.bytes, report.stats.seconds, report.stats.skipped);
  if (!report.stats.notes.empty()) {
    out << ", \"notes\": [";
    for (size_t i = 0; i < report.stats.notes.size(); ++i) out << (i ? ", " : "") << json_string(report.stats.notes[i]);
    out << "]";
  }
  out << "}";
  if (!report.unused_baseline.empty()) {
    out << ",\n \"unused_baseline\": [";
    for (size_t i = 0; i < report.unused_baseline.size(); ++i)
      out << (i ? ", " : "") << json_string(report.unused_baseline[i]);
    out << "]";
  }
  out << "}\n";
}

}  // namespace keyward
