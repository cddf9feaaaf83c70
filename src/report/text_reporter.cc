#include "text_reporter.h"
#include "rule_set.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "advice.h"
#include "display_width.h"
#include "mask.h"
#include "path_mask.h"

namespace keyward {
namespace {

struct Style {
  bool on;
  std::string operator()(const char* code, std::string_view s) const {
    return on ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : std::string(s);
  }
};

// text as lines of at most `width` columns, each indented by two spaces.
std::string wrapped(std::string_view text, size_t width = 94) {
  std::string out, line;
  size_t at = 0;
  while (at < text.size()) {
    size_t sp = text.find(' ', at);
    std::string_view word = text.substr(at, sp == std::string_view::npos ? std::string_view::npos : sp - at);
    if (!line.empty() && line.size() + 1 + word.size() > width) out += "  " + line + "\n", line.clear();
    line += (line.empty() ? "" : " ") + std::string(word);
    at = sp == std::string_view::npos ? text.size() : sp + 1;
  }
  if (!line.empty()) out += "  " + line + "\n";
  return out;
}

// What to do with a finding that is not a secret: an inline comment only where one can be
// written (advice.h); elsewhere its fingerprint (printed with each finding) in the
// configuration, or the baseline. Empty when only hygiene findings remain.
std::string not_a_secret(const Report& report, bool server) {
  size_t secrets = 0, inline_ok = 0;
  for (auto& f : report.findings) {
    if (f.rule_id == "ipynb-checkpoint") continue;
    ++secrets;
    inline_ok += inline_allow_possible(f);
  }
  if (secrets == 0) return "";
  std::string instead = server ? "ask the server's admin to allowlist its fingerprint (shown above)"
                               : "list its fingerprint (shown above) under [allowlist] fingerprints in .keyward.toml, "
                                 "or record it in the baseline ('keyward baseline' writes .keyward-baseline, which "
                                 "every run reads)";
  if (inline_ok == secrets) return wrapped("Not a secret? Add '# keyward:allow' to its line, or " + instead + ".");
  if (inline_ok == 0)
    return wrapped("Not a secret? No comment fits where it is (JSON, a notebook's output, a binary or decoded "
                   "form): " + instead + ".");
  return wrapped("Not a secret? Add '# keyward:allow' to its line. Where no comment fits (JSON, a notebook's "
                 "output, a binary or decoded form), " + instead + ".");
}

}  // namespace

std::string shown_secret(const Finding& f, const ReportOptions& o) {
  return o.show_secrets ? f.secret : mask_secret(f.secret);
}

std::string shown_text(std::string_view text, const Report& report, const ReportOptions& o) {
  if (o.show_secrets || text.empty()) return std::string(text);
  std::vector<std::string_view> secrets;
  for (auto& f : report.findings)
    if (!f.secret.empty()) secrets.push_back(f.secret);
  return mask_occurrences(text, secrets);
}

std::string sanitize_for_terminal(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c == '\t') out += ' ';
    else if (c < 0x20 || c == 0x7f) out += '?';
    else out += static_cast<char>(c);
  }
  return out;
}

void write_text(std::ostream& out, const Report& report, const ReportOptions& opts) {
  Style st{opts.color};
  std::map<std::string, size_t> per_file;
  const PathMasker shown_path(report, opts);
  for (const Finding& f : report.findings) {
    ++per_file[f.path];
    std::string where = fmt::format("{}:{}:{}:", sanitize_for_terminal(shown_path(f.path)), f.line, f.column);
    std::string extra;
    if (f.cell) extra += fmt::format(" (cell {}{}, line {})", f.cell, f.cell_output ? " output" : f.cell_attachment ? " attachment" : "", f.cell_line);
    if (!f.in_name.empty()) extra += fmt::format(" (in the {})", f.in_name);
    if (!f.decoded.empty()) extra += fmt::format(" (decoded from {})", f.decoded);
    if (!f.validation.empty()) extra += fmt::format(" [{} verified]", f.validation);
    out << st("1", where) << ' ' << st("1;31", f.rule_id) << ": " << f.description << extra << '\n';

    if (!f.context.empty() || f.context_secret_end > f.context_secret_begin) {
      std::string_view ctx = f.context;
      std::string_view raw_before = ctx.substr(0, std::min(f.context_secret_begin, ctx.size()));
      std::string_view raw_after = ctx.substr(std::min(f.context_secret_end, ctx.size()));
      // Other secrets on the line are masked too: each part gets the spans that reach into it.
      std::vector<std::pair<size_t, size_t>> in_before, in_after;
      if (!opts.show_secrets)
        for (auto [b, e] : f.context_masks) {
          if (b < raw_before.size()) in_before.emplace_back(b, std::min(e, raw_before.size()));
          if (e > f.context_secret_end)
            in_after.emplace_back(b > f.context_secret_end ? b - f.context_secret_end : 0, e - f.context_secret_end);
        }
      std::string before = sanitize_for_terminal(in_before.empty() ? std::string(raw_before) : mask_spans(raw_before, in_before));
      std::string secret = sanitize_for_terminal(shown_secret(f, opts));
      std::string after = sanitize_for_terminal(in_after.empty() ? std::string(raw_after) : mask_spans(raw_after, in_after));
      std::string gutter = fmt::format("{:>5}", f.line);
      out << st("2", gutter + " | ") << before << st("1;33", secret) << after << '\n';
      std::string pad(display_width(before), ' ');
      size_t w = display_width(secret);
      std::string carets = "^" + std::string(w > 1 ? w - 1 : 0, '~');
      out << st("2", std::string(gutter.size(), ' ') + " | ") << pad << st("1;32", carets) << '\n';
    }
    if (!f.commit.empty()) {
      out << "      = introduced in " << f.commit.substr(0, 12);
      if (!f.author.empty()) out << " by " << sanitize_for_terminal(shown_text(f.author, report, opts));
      if (!f.date.empty()) out << " on " << f.date;
      out << '\n';
      if (f.reachable == "reflog") out << "      = reachable only from a reflog (reset, rebased or deleted away)\n";
      else if (f.reachable == "stash") out << "      = reachable only from the stash\n";
      else if (f.reachable == "dangling") out << "      = reachable from no ref or reflog (dangling)\n";
      if (!f.places.empty()) {
        out << fmt::format("      = also in {} other place{}:\n", f.places.size(), f.places.size() == 1 ? "" : "s");
        size_t shown = 0;
        for (auto& p : f.places) {
          if (shown++ == 10) {
            out << fmt::format("          ... and {} more\n", f.places.size() - 10);
            break;
          }
          out << "          " << p.commit.substr(0, 12) << ' ' << sanitize_for_terminal(shown_path(p.path));
          if (p.line) out << ':' << p.line;
          out << '\n';
        }
      }
    } else if (!f.places.empty()) {  // outside history: a module's bytecode holding the same secret
      out << fmt::format("      = also in {}\n", sanitize_for_terminal(shown_path(f.places[0].path)));
      for (size_t i = 1; i < f.places.size() && i < 10; ++i)
        out << fmt::format("        and {}\n", sanitize_for_terminal(shown_path(f.places[i].path)));
    }
    if (!f.verification.empty()) {
      std::string v = f.verification == "live" ? st("1;31", "live") : f.verification;
      std::string details;
      for (auto& [k, val] : f.verification_identity) details += (details.empty() ? "" : ", ") + k + " " + val;
      if (!f.verification_reason.empty()) details += (details.empty() ? "" : "; ") + f.verification_reason;
      out << "      = verified: " << v
          << (details.empty() ? std::string() : " (" + sanitize_for_terminal(shown_text(details, report, opts)) + ")")
          << '\n';
    }
    // The fingerprint, so allowlisting it needs no second run (a hygiene finding has no secret).
    if (f.rule_id != "ipynb-checkpoint" && !f.fingerprint.empty()) out << "      = fingerprint " << f.fingerprint << '\n';
    out << "      " << st("1;36", "help:") << ' ' << advice_for(f, report.mode) << "\n\n";
  }
  if (opts.verbose)
    for (auto& n : report.stats.notes) out << "note: " << sanitize_for_terminal(n) << '\n';
  if (!report.findings.empty()) {
    out << st("1;31", "keyward:") << ' '
        << fmt::format("{} finding{} in {} file{}", report.findings.size(), report.findings.size() == 1 ? "" : "s",
                       per_file.size(), per_file.size() == 1 ? "" : "s");
    if (report.mode == "pre-commit" || report.mode == "commit-msg") out << "; commit blocked";
    if (report.mode == "pre-merge-commit") out << "; merge blocked";
    if (report.mode == "pre-push") out << "; push blocked";
    if (report.mode == "pre-receive") out << "; push refused, no ref was updated";
    out << ".\n";
    if (report.mode == "pre-receive") {
      // The pusher reads this as "remote:" lines; the secret is in their commits, not only
      // in their working tree, so the way out is a rewrite of those commits.
      out << "  The secret is in the commits you pushed: remove it from each of them, not only from the\n"
             "  latest one. Fix the last commit with 'git commit --amend'; an older one with\n"
             "  'git rebase -i <commit>^' (mark it 'edit'). A secret in a commit message: 'git commit\n"
             "  --amend' (or 'reword' in the rebase). Then push again.\n"
             "  Revoke the secret at its provider regardless: it has left your machine.\n"
          << not_a_secret(report, true);
    }
    if (report.mode == "pre-push") {
      // Nothing has left the machine yet; the secret is in local commits, so fixing the
      // working tree is not enough: those commits are what would be pushed.
      out << "  The secret is in the commits being pushed: remove it from each of them, not only from the\n"
             "  latest one. Fix the last commit with 'git commit --amend'; an older one with\n"
             "  'git rebase -i <commit>^' (mark it 'edit'). Then push again.\n"
             "  Revoke the secret at its provider if it was ever pushed or shared anywhere else.\n"
          << not_a_secret(report, false)
          << "  To bypass this check once, on purpose: git push --no-verify   (or KEYWARD_SKIP=1 git push)\n";
    }
    if (report.mode == "pre-merge-commit") {
      // The secret is in the branch being merged: fixing it here would leave it in that branch.
      out << "  The branch being merged brings in the secret: remove it there (rewrite its commits, and\n"
             "  revoke the secret if that branch was ever pushed), then merge again; 'git merge --abort'\n"
             "  leaves things as they were. To bypass this check once, on purpose: git merge --no-verify\n";
    }
    if (report.mode == "commit-msg") {
      out << "  Remove the secret from the commit message and commit again. To bypass this check once,\n"
             "  on purpose: git commit --no-verify   (or KEYWARD_SKIP=1 git commit)\n";
    }
    if (report.mode == "pre-commit" || report.mode == "staged") {
      out << "  Remove the secret from the staged file (git add it again).\n" << not_a_secret(report, false);
      // Only the hook blocks a commit; run by hand, keyward has nothing to bypass.
      if (report.mode == "pre-commit")
        out << "  To bypass this check once, on purpose: git commit --no-verify   (or KEYWARD_SKIP=1 git commit)\n";
    }
    if (report.mode == "disk" || report.mode == "history" || report.mode == "range") out << not_a_secret(report, false);
  }
}

}  // namespace keyward
