#include "scan_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "baseline.h"
#include "disk_source.h"
#include "engine.h"
#include "git_handles.h"
#include "history_source.h"
#include "hook_installer.h"
#include "json_reporter.h"
#include "pre_push.h"
#include "rules_command.h"
#include "sarif_reporter.h"
#include "staged_source.h"
#include "text_reporter.h"

namespace keyward {
namespace {

bool file_exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

// One sentence on what failed, and (when it blocks a commit or push) how to bypass on purpose.
int fail(const Options& o, const std::string& message) {
  std::cerr << "keyward: error: " << message << '\n';
  if (o.hook == "pre-push")
    std::cerr << "keyward: the push is blocked. To bypass on purpose: git push --no-verify (or KEYWARD_SKIP=1)\n";
  else if (o.command == Options::Command::Scan && o.paths.empty() && !o.all_history && o.ranges.empty())
    std::cerr << "keyward: the commit is blocked. To bypass on purpose: git commit --no-verify "
                 "(or KEYWARD_SKIP=1 git commit)\n";
  return 2;
}

Result<Config> find_config(const Options& o, const std::string& root) {
  if (!o.config.empty()) return load_config(o.config);
  std::string candidate = (root.empty() ? std::string(".") : root) + "/.keyward.toml";
  if (file_exists(candidate)) return load_config(candidate);
  return Config{};
}

// What a migrated gitleaks configuration could not carry over: all of it with -v (and in
// `keyward rules`), else one line, so a hook stays quiet but never silent about it.
void print_config_notes(const Config& c, bool all, bool quiet) {
  if (quiet || c.notes.empty()) return;
  if (all) {
    for (auto& n : c.notes) std::cerr << "keyward: note: " << n << '\n';
    return;
  }
  std::cerr << fmt::format("keyward: note: {} part{} of {} could not be converted exactly (see 'keyward rules "
                           "--config {}')\n", c.notes.size(), c.notes.size() == 1 ? "" : "s", c.origin, c.origin);
}

bool want_color(const Options& o, bool to_terminal) {
  if (o.color == "always") return true;
  if (o.color == "never") return false;
  const char* nc = std::getenv("NO_COLOR");
  if (nc && *nc) return false;
  const char* term = std::getenv("TERM");
  if (term && std::strcmp(term, "dumb") == 0) return false;
  return to_terminal;
}

}  // namespace

int run_scan(const Options& o) {
  if (const char* skip = std::getenv("KEYWARD_SKIP"); skip && std::strcmp(skip, "1") == 0) {
    std::cerr << "keyward: skipped (KEYWARD_SKIP=1); nothing was scanned.\n";
    return 0;
  }
  auto start = std::chrono::steady_clock::now();
  if (!o.chdir.empty() && ::chdir(o.chdir.c_str()) != 0)
    return fail(o, fmt::format("cannot change to '{}': {}", o.chdir, std::strerror(errno)));

  GitLibrary git;
  // The pre-push hook passes git's remote name and URL along: they are not paths.
  bool git_mode = o.paths.empty() || o.hook == "pre-push";
  RepoPtr repo;
  std::string root;
  {
    git_repository* raw = nullptr;
    // Like git: GIT_DIR, GIT_INDEX_FILE and friends are honoured. `git commit -a` and
    // `git commit PATH` run the hook with GIT_INDEX_FILE naming a temporary index.
    int rc = git_repository_open_ext(&raw, nullptr, GIT_REPOSITORY_OPEN_FROM_ENV, nullptr);
    if (rc == 0) {
      repo.reset(raw);
      if (const char* wd = git_repository_workdir(repo.get())) root = wd;
    } else if (git_mode) {
      return fail(o, "not a git repository (or any parent up to the root): run keyward inside a repository, "
                     "use -C DIR, or name paths to scan files on disk");
    }
    if (git_mode && root.empty() && !o.all_history && o.ranges.empty() && o.hook != "pre-push")
      return fail(o, "this is a bare repository: there is no index to check (use --all-history or --range)");
  }
  if (!root.empty() && root.back() == '/') root.pop_back();

  auto cfg = find_config(o, git_mode ? root : (root.empty() ? "." : root));
  if (!cfg) return fail(o, cfg.error());
  EngineOptions eo;
  eo.rules_dir = o.rules_dir;
  eo.cache_dir = default_cache_dir();
  eo.config = std::move(*cfg);
  auto engine = Engine::create(std::move(eo));
  if (!engine) return fail(o, (*&engine).error());
  if (!engine.value()->note().empty() && o.verbose) std::cerr << "keyward: note: " << engine.value()->note() << '\n';
  const Engine& e = **engine;
  print_config_notes(e.config(), o.verbose, o.quiet);

  Report report;
  report.rules = &e.rules();
  std::vector<std::string> unreadable;
  HistoryOptions ho;
  ho.all_objects = o.all_objects;
  ho.jobs = o.jobs;
  ho.progress = o.progress && !o.quiet && ::isatty(2);
  ho.ranges = o.ranges;
  Status st;
  if (o.hook == "pre-push") {
    report.mode = "range";
    st = scan_pre_push(repo.get(), e, ho, std::cin, report);
  } else if (!o.paths.empty()) {
    report.mode = "disk";
    st = scan_paths(o.paths, e, report, &unreadable, o.jobs);
  } else if (o.all_history) {
    report.mode = "history";
    st = scan_history(repo.get(), e, ho, report);
  } else if (!o.ranges.empty()) {
    report.mode = "range";
    st = scan_ranges(repo.get(), e, ho, report);
  } else {
    report.mode = "pre-commit";
    st = scan_staged(repo.get(), e, report);
  }
  if (st) return fail(o, st->message);

  if (!o.baseline.empty()) {
    auto b = load_baseline(o.baseline);
    if (!b) return fail(o, b.error());
    auto unused = apply_baseline(*b, report.findings);
    if (o.report_unused) report.unused_baseline = unused;
  }
  std::stable_sort(report.findings.begin(), report.findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.path, a.line, a.column, a.rule_id) < std::tie(b.path, b.line, b.column, b.rule_id);
  });
  report.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (o.command == Options::Command::Baseline) {
    std::string path = o.output.empty() ? ".keyward-baseline" : o.output;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << format_baseline(report.findings);
    if (!out) return fail(o, fmt::format("cannot write baseline '{}'", path));
    if (!o.quiet) std::cerr << fmt::format("keyward: wrote {} entr{} to {}\n", report.findings.size(),
                                           report.findings.size() == 1 ? "y" : "ies", path);
    return 0;
  }

  ReportOptions ro;
  ro.show_secrets = o.show_secrets;
  ro.verbose = o.verbose;
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!o.output.empty()) {
    file.open(o.output, std::ios::binary | std::ios::trunc);
    if (!file) return fail(o, fmt::format("cannot write the report to '{}'", o.output));
    out = &file;
  }
  std::string format = o.format.empty() ? "text" : o.format;
  ro.color = want_color(o, o.output.empty() && ::isatty(1));
  if (format == "json") write_json(*out, report, ro);
  else if (format == "sarif") write_sarif(*out, report, ro);
  else if (!o.quiet || !report.findings.empty()) write_text(*out, report, ro);
  out->flush();
  if (!*out) return fail(o, "cannot write the report");
  if (format == "text" && !o.quiet && report.mode != "pre-commit" && o.output.empty()) {
    size_t k = report.findings.size();
    std::cerr << fmt::format("keyward: scanned {} blob{}, {:.1f} MiB in {:.2f} s: {}\n", report.stats.blobs,
                             report.stats.blobs == 1 ? "" : "s", report.stats.bytes / 1048576.0, report.stats.seconds,
                             k == 0 ? std::string("no findings") : fmt::format("{} finding{}", k, k == 1 ? "" : "s"));
  }
  if (o.report_unused && format == "text")
    for (auto& fp : report.unused_baseline) std::cerr << "keyward: baseline entry matched nothing: " << fp << '\n';
  if (!unreadable.empty()) {
    for (auto& u : unreadable) std::cerr << "keyward: cannot read " << u << '\n';
    return fail(o, fmt::format("{} file{} could not be read, so the scan is incomplete", unreadable.size(),
                               unreadable.size() == 1 ? "" : "s"));
  }
  return report.findings.empty() ? 0 : 1;
}

int run_rules(const Options& o) {
  auto cfg = o.config.empty() ? Result<Config>(Config{}) : load_config(o.config);
  if (!cfg) return fail(o, cfg.error());
  EngineOptions eo;
  eo.rules_dir = o.rules_dir;
  eo.cache_dir = o.rules_test ? "" : default_cache_dir();
  eo.config = std::move(*cfg);
  // Examples are judged by the rules alone: no allowlists.
  if (o.rules_test)
    eo.config.allow_paths.clear(), eo.config.allow_regexes.clear(), eo.config.stopwords = {},
    eo.config.allow_values = {};
  auto engine = Engine::create(std::move(eo));
  if (!engine) return fail(o, engine.error());
  print_config_notes((*engine)->config(), true, false);
  if (o.rules_test) return test_rules(**engine, std::cout, std::cerr) ? 1 : 0;
  list_rules(std::cout, (*engine)->rules(), o.format == "json");
  return 0;
}

int run_install(const Options& o) {
  if (!o.chdir.empty() && ::chdir(o.chdir.c_str()) != 0)
    return fail(o, fmt::format("cannot change to '{}': {}", o.chdir, std::strerror(errno)));
  GitLibrary git;
  InstallOptions io;
  io.pre_push = o.pre_push;
  io.force = o.force;
  io.global = o.global;
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  io.binary = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "keyward";
  auto r = o.command == Options::Command::Install ? install_hooks(io) : uninstall_hooks(io);
  if (!r) return fail(o, r.error());
  if (!o.quiet) std::cout << *r << '\n';
  return 0;
}

}  // namespace keyward
