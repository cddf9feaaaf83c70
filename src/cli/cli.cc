#include "cli.h"

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace keyward {
namespace {

const char* kOverview = R"(usage: keyward [-C <dir>] [<options>]                  scan what is staged (the pre-commit check)
   or: keyward [<options>] <path>...                     scan files and directories on disk
   or: keyward --all-history [--all-objects] [<options>] scan every blob ever committed
   or: keyward --range <a>..<b> [<options>]              scan the commits in a range (pre-push, CI)
   or: keyward --hook pre-receive                        on a git server: refuse a push that adds a secret
   or: keyward <command> [<args>]

Scan options
    -C <dir>              run as if keyward was started in <dir>
    --format <fmt>        text (default), json or sarif
    -o, --output <file>   write the report to <file> instead of standard output
    --show-secrets        print secrets unmasked (they are masked by default)
    --config <file>       read configuration from <file> (default: .keyward.toml at the root;
                          a gitleaks/Betterleaks TOML file is accepted too)
    --baseline <file>     do not report findings listed in <file>
    --report-unused       with --baseline, list baseline entries that matched nothing
    --rules <dir>         load rules from <dir> instead of the installed patterns
    -j, --jobs <n>        scan with <n> threads (history; default: every core)
    --strict              history, range, pre-push: what a shallow or partial clone lacks
                          is an error (exit 2), not a warning; any other missing or corrupt
                          object always is
    --color <when>        auto (default), always or never; NO_COLOR turns it off
    --no-progress         no progress bar on long sweeps
    -q, --quiet           print nothing but findings and errors
    -v, --verbose         also print notes (skipped submodules, LFS pointers, ...)

Commands
    rules [--test] [--format json]   list the rules, or run every rule's own examples
    install [--pre-push] [--pre-receive] [--force] [--global]
                                     install the hooks into this repository (or globally)
    uninstall [--global]             remove exactly what install added
    baseline [-o <file>]             write a baseline of the current findings
    help [<command>]                 show help for a command
    version                          print the version

Exit status: 0 nothing found, 1 findings (the commit is blocked), 2 usage or runtime error
(the commit is blocked too). To bypass the hook on purpose: git commit --no-verify, or
KEYWARD_SKIP=1 git commit.
)";

const char* kRulesHelp = R"(usage: keyward rules [--test] [--format json] [--rules <dir>] [--config <file>]

List every rule keyward loads: id, provider, validation and description.

    --test            run each rule's positive and negative examples through the real
                      engine (Hyperscan, RE2 and the filters); exit 1 if any fails
    --format json     machine-readable list
    --rules <dir>     load rules from <dir>
)";

const char* kInstallHelp = R"(usage: keyward install [--pre-push] [--pre-receive] [--force] [--global]
   or: keyward uninstall [--global]

Install keyward as the pre-commit and commit-msg hooks of the repository around the current
directory (honouring core.hooksPath and worktrees). An existing hook is kept and chained: it
runs first, then keyward. uninstall removes exactly what install added. In a bare repository
(a server's) install puts in the pre-receive hook instead (see docs/server.md).

    --pre-push        also install the pre-push hook (scans the commits being pushed)
    --pre-receive     install the server-side pre-receive hook (refuses a push that adds a
                      secret; the default in a bare repository)
    --force           replace a hook keyward did not write instead of chaining it
    --global          protect every repository created or cloned from now on: the hooks go
                      into the global init.templateDir (created and set if missing), or into
                      the global core.hooksPath when one is set (that covers existing
                      repositories too). uninstall --global undoes it.

With the pre-commit framework instead, list the hooks `keyward` and `keyward-push` of this
repository in .pre-commit-config.yaml (see docs/user-guide.md).
)";

const char* kBaselineHelp = R"(usage: keyward baseline [-o <file>] [<scan options>] [<path>...]

Write a baseline of the current findings: one fingerprint (a keyed hash of rule and secret,
never the secret) per line, sorted, no line numbers or timestamps, so it stays stable under
edits, rebases and merges. The key is written into the file's header (a new random one,
unless the file or .keyward.toml already has one). Scans what a plain `keyward` would (or
--all-history, paths, ...). Use it with `keyward --baseline <file>`.

    -o, --output <file>   where to write (default: .keyward-baseline)
)";

bool takes_value(const std::string& a) {
  static const char* with[] = {"-C", "--format", "-o", "--output", "--config", "--baseline", "--rules",
                               "-j", "--jobs", "--color", "--range", "--hook"};
  for (auto w : with)
    if (a == w) return true;
  return false;
}

}  // namespace

std::string help_text(const std::string& command) {
  if (command == "rules") return kRulesHelp;
  if (command == "install" || command == "uninstall") return kInstallHelp;
  if (command == "baseline") return kBaselineHelp;
  return kOverview;
}

Result<Options> parse_args(int argc, char** argv) {
  Options o;
  std::vector<std::string> args(argv + 1, argv + argc);
  size_t i = 0;
  if (!args.empty()) {
    const std::string& c = args[0];
    if (c == "rules") o.command = Options::Command::Rules, ++i;
    else if (c == "install") o.command = Options::Command::Install, ++i;
    else if (c == "uninstall") o.command = Options::Command::Uninstall, ++i;
    else if (c == "baseline") o.command = Options::Command::Baseline, ++i;
    else if (c == "help") {
      o.command = Options::Command::Help;
      if (args.size() > 1) o.help_topic = args[1];
      return o;
    } else if (c == "version") {
      o.command = Options::Command::Version;
      return o;
    }
  }
  bool only_paths = false;
  for (; i < args.size(); ++i) {
    std::string a = args[i];
    std::string value;
    bool has_inline = false;
    if (!only_paths && a.rfind("--", 0) == 0) {
      auto eq = a.find('=');
      if (eq != std::string::npos) {
        value = a.substr(eq + 1);
        a = a.substr(0, eq);
        has_inline = true;
      }
    }
    auto need = [&](std::string& dst) -> Status {
      if (has_inline) {
        dst = value;
        return std::nullopt;
      }
      if (i + 1 >= args.size()) return Error{fmt::format("option '{}' requires a value", a)};
      dst = args[++i];
      return std::nullopt;
    };
    if (only_paths || a.empty() || a[0] != '-' || a == "-") {
      o.paths.push_back(args[i]);
      continue;
    }
    if (a == "--") { only_paths = true; continue; }
    if (has_inline && !takes_value(a)) return Error{fmt::format("option '{}' takes no value", a)};
    Status st;
    if (a == "-h" || a == "--help") {
      o.help_topic = o.command == Options::Command::Rules ? "rules"
                     : o.command == Options::Command::Install ? "install"
                     : o.command == Options::Command::Uninstall ? "uninstall"
                     : o.command == Options::Command::Baseline ? "baseline" : "";
      o.command = Options::Command::Help;
      return o;
    } else if (a == "--version") {
      o.command = Options::Command::Version;
      return o;
    } else if (a == "-C") st = need(o.chdir);
    else if (a == "--format") st = need(o.format);
    else if (a == "-o" || a == "--output") st = need(o.output);
    else if (a == "--config") st = need(o.config);
    else if (a == "--baseline") st = need(o.baseline);
    else if (a == "--rules") st = need(o.rules_dir);
    else if (a == "--color") st = need(o.color);
    else if (a == "--hook") {
      st = need(o.hook);
      if (!st && o.hook != "pre-commit" && o.hook != "pre-push" && o.hook != "pre-receive" && o.hook != "commit-msg")
        return Error{fmt::format("--hook takes pre-commit, pre-push, pre-receive or commit-msg, not '{}'", o.hook)};
    }
    else if (a == "--range") {
      std::string r;
      st = need(r);
      o.ranges.push_back(r);
    } else if (a == "-j" || a == "--jobs") {
      std::string n;
      st = need(n);
      char* end = nullptr;
      long v = std::strtol(n.c_str(), &end, 10);
      if (!st && (n.empty() || *end || v < 1 || v > 1024))
        return Error{fmt::format("--jobs takes a number from 1 to 1024, not '{}'", n)};
      o.jobs = static_cast<int>(v);
    } else if (a.rfind("-j", 0) == 0 && a.size() > 2) {
      char* end = nullptr;
      long v = std::strtol(a.c_str() + 2, &end, 10);
      if (*end || v < 1 || v > 1024) return Error{fmt::format("--jobs takes a number from 1 to 1024, not '{}'", a.substr(2))};
      o.jobs = static_cast<int>(v);
    } else if (a == "--all-history") o.all_history = true;
    else if (a == "--all-objects") o.all_history = o.all_objects = true;
    else if (a == "--strict") o.strict = true;
    else if (a == "--show-secrets") o.show_secrets = true;
    else if (a == "--report-unused") o.report_unused = true;
    else if (a == "--no-color") o.color = "never";
    else if (a == "--no-progress") o.progress = false;
    else if (a == "-q" || a == "--quiet") o.quiet = true;
    else if (a == "-v" || a == "--verbose") o.verbose = true;
    else if (a == "--test" && o.command == Options::Command::Rules) o.rules_test = true;
    else if (a == "--pre-push" && o.command == Options::Command::Install) o.pre_push = true;
    else if (a == "--pre-receive" && o.command == Options::Command::Install) o.pre_receive = true;
    else if (a == "--force" && o.command == Options::Command::Install) o.force = true;
    else if (a == "--global" && (o.command == Options::Command::Install || o.command == Options::Command::Uninstall))
      o.global = true;
    else
      return Error{fmt::format("unknown option '{}' (see 'keyward --help')", a)};
    if (st) return *st;
  }
  if (!o.format.empty() && o.format != "text" && o.format != "json" && o.format != "sarif")
    return Error{fmt::format("--format takes text, json or sarif, not '{}'", o.format)};
  if (o.color != "auto" && o.color != "always" && o.color != "never")
    return Error{fmt::format("--color takes auto, always or never, not '{}'", o.color)};
  int modes = (o.all_history ? 1 : 0) + (!o.ranges.empty() ? 1 : 0) + (!o.paths.empty() ? 1 : 0);
  if (o.command == Options::Command::Scan && modes > 1)
    return Error{"choose one of --all-history, --range and paths"};
  if (o.hook == "commit-msg" && o.paths.size() != 1)
    return Error{"--hook commit-msg takes the message file git passes (one path)"};
  if (o.command == Options::Command::Rules && !o.paths.empty())
    return Error{fmt::format("'keyward rules' takes no paths (got '{}')", o.paths[0])};
  return o;
}

}  // namespace keyward
