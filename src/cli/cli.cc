#include "cli.h"

#include "nearest.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace keyward {
namespace {

const char* kOverview = R"(usage: keyward [-C <dir>] [<options>]                  scan what is staged (the pre-commit check)
   or: keyward [<options>] <path>...                     scan files and directories on disk
   or: keyward [<options>] - [--stdin-name <path>]       scan standard input
   or: keyward --all-history [--all-objects] [<options>] scan every blob ever committed
   or: keyward --range <a>..<b> [<options>]              scan the commits in a range (pre-push, CI)
   or: keyward --hook pre-receive                        on a git server: refuse a push that adds a secret
   or: keyward <command> [<args>]

Scan options
    -C <dir>              run as if keyward was started in <dir>
    -, --stdin            scan standard input
    --stdin-name <path>   the path standard input is reported as (and matched against
                          path allowlists and path rules); default "-"
    --format <fmt>        text (default), json, sarif or gitlab (GitLab's secret-detection report)
    -o, --output <file>   write the report to <file> instead of standard output
    --show-secrets        print secrets unmasked (they are masked by default)
    --config <file>       read configuration from <file> (default: .keyward.toml at the root;
                          a gitleaks/Betterleaks TOML file is accepted too)
    --baseline <file>     do not report findings listed in <file> (default: the file
                          baseline = "..." in .keyward.toml names, else .keyward-baseline
                          at the root, when present; -v names the one in use)
    --report-unused       with a baseline, list baseline entries that matched nothing
    --no-baseline         use no baseline, not even the default one
    --rules <dir>         load rules from <dir> instead of the installed patterns
    -j, --jobs <n>        scan with <n> threads (history; default: every core)
    --verify              ask each finding's provider whether it is live (sends the secret
                          to its own provider over HTTPS; never in hooks; docs/verification.md)
    --strict              history, range, pre-push: what a shallow or partial clone lacks
                          is an error (exit 2), not a warning; any other missing or corrupt
                          object always is
    --color <when>        auto (default), always or never; NO_COLOR turns it off
    --no-progress         no progress line on long sweeps (history and folders)
    -q, --quiet           print nothing but findings and errors
    -v, --verbose         also print notes (skipped submodules, LFS pointers, ...)

Commands
    rules [<id>] [--test] [--format json]
                                     list the rules (or show one whole), or run every
                                     rule's own examples
    install [--pre-push] [--pre-receive] [--force] [--global]
                                     install the hooks into this repository (or globally)
    uninstall [--global]             remove exactly what install added
    baseline [-o <file>]             write a baseline of the current findings
    revoke [--yes] [<scan options>] [<path>...]
                                     scan, then revoke the Hugging Face tokens found
                                     (after confirmation); say how to revoke the rest
    help [<command>]                 show help for a command
    version                          print the version

Exit status: 0 nothing found, 1 findings, 2 usage or runtime error; in a hook either blocks
the commit (or merge, or push). To bypass the hook on purpose: git commit --no-verify, or
KEYWARD_SKIP=1 git commit. Not a secret? '# keyward:allow' on its line, or (where no comment
fits: JSON, notebook outputs) its fingerprint, printed with each finding, under
[allowlist] fingerprints in .keyward.toml.
)";

const char* kRulesHelp = R"(usage: keyward rules [<id>] [--test] [--format json] [--rules <dir>] [--config <file>]
   or: keyward rules --compile [--system]

List every rule keyward loads: id, provider, validation and description; with <id>, show
that rule whole (regex, keywords, entropy, validator, advice, examples, references).

    --test            run each rule's positive and negative examples through the real
                      engine (Hyperscan, RE2 and the filters); exit 1 if any fails
    --format json     machine-readable list
    --rules <dir>     load rules from <dir>
    --compile         compile the default rules' pattern database into the cache now (an
                      install does, so that the first commit does not); with --system
                      into the system-wide cache every user reads (a package's postinst)
)";

const char* kInstallHelp = R"(usage: keyward install [--pre-push] [--pre-receive] [--force] [--global]
   or: keyward uninstall [--global]

Install keyward as the pre-commit, pre-merge-commit (a merge without conflicts) and
commit-msg hooks of the repository around the current directory (honouring core.hooksPath
and worktrees). Running it again says "already installed". An existing hook is kept and chained: it
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

const char* kRevokeHelp = R"(usage: keyward revoke [--yes] [<scan options>] [<path>...]

Scan exactly as `keyward` would (what is staged, --all-history, --range, paths, -), list
the Hugging Face tokens found (masked), ask for confirmation, then send each one to the
Hub's public revocation endpoint (POST https://huggingface.co/api/credentials/revoke) and
say what the Hub answered. The token stops working everywhere and its owner is told by
email. For every other finding, print how to revoke it at its provider.

    --yes             do not ask (needed when standard input is not a terminal)

Exit status: 0 every token found was sent for revocation, 1 findings remain that keyward
cannot revoke, 2 a revocation failed or an error. See docs/verification.md.
)";

const std::vector<std::string> kCommands = {"rules", "install", "uninstall", "baseline", "revoke", "help", "version"};
const std::vector<std::string> kOptions = {
    "--format", "--output", "--config", "--baseline", "--rules", "--jobs", "--color", "--range", "--hook",
    "--stdin", "--stdin-name", "--all-history", "--all-objects", "--strict", "--show-secrets", "--report-unused", "--no-baseline",
    "--no-color", "--no-progress", "--quiet", "--verbose", "--help", "--version", "--test", "--pre-push",
    "--pre-receive", "--force", "--global", "--verify", "--yes", "--compile", "--system"};

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string c = closest_match(word, candidates);
  return c.empty() ? std::string() : fmt::format("; did you mean '{}'?", c);
}

bool takes_value(const std::string& a) {
  static const char* with[] = {"-C", "--format", "-o", "--output", "--config", "--baseline", "--rules",
                               "-j", "--jobs", "--color", "--range", "--hook", "--stdin-name"};
  for (auto w : with)
    if (a == w) return true;
  return false;
}

}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = 0;
  for (auto& c : candidates) {
    size_t d = edit_distance(word, c);
    if (best.empty() || d < best_d) best = c, best_d = d;
  }
  // A third of the word may be wrong (two letters of "isntall"), never all of it.
  size_t limit = std::max<size_t>(1, word.size() / 3);
  return !best.empty() && best_d <= limit && best_d < word.size() ? best : std::string();
}

bool is_help_topic(const std::string& command) {
  return command.empty() || command == "rules" || command == "install" || command == "uninstall" ||
         command == "baseline" || command == "revoke" || command == "help" || command == "version" || command == "scan";
}

std::string help_text(const std::string& command) {
  if (command == "rules") return kRulesHelp;
  if (command == "install" || command == "uninstall") return kInstallHelp;
  if (command == "baseline") return kBaselineHelp;
  if (command == "revoke") return kRevokeHelp;
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
    else if (c == "revoke") o.command = Options::Command::Revoke, ++i;
    else if (c == "help") {
      o.command = Options::Command::Help;
      if (args.size() > 1) o.help_topic = args[1];
      if (!is_help_topic(o.help_topic))
        return Error{fmt::format("no help on '{}' (topics: rules, install, uninstall, baseline, revoke){}", o.help_topic,
                                 did_you_mean(o.help_topic, kCommands))};
      return o;
    } else if (c == "version") {
      o.command = Options::Command::Version;
      return o;
    } else if (!c.empty() && c[0] != '-') {
      // A mistyped command would otherwise be scanned as a path that does not exist.
      struct stat st;
      std::string near = closest_match(c, kCommands);
      if (!near.empty() && ::stat(c.c_str(), &st) != 0)
        return Error{fmt::format("'{}' is not a keyward command or an existing path; did you mean '{}'?", c, near)};
      // A bare word that names nothing: say both what it is not and what the commands are.
      if (near.empty() && ::stat(c.c_str(), &st) != 0 && c.find_first_of("/.") == std::string::npos)
        return Error{fmt::format("'{}' is not a keyward command or an existing path (commands: rules, install, "
                                 "uninstall, baseline, help, version)", c)};
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
    if (!only_paths && a == "-") {
      o.stdin_input = true;
      continue;
    }
    if (!only_paths && o.command == Options::Command::Rules && !a.empty() && a[0] != '-' && o.rule_id.empty()) {
      o.rule_id = a;
      continue;
    }
    if (only_paths || a.empty() || a[0] != '-') {
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
                     : o.command == Options::Command::Baseline ? "baseline"
                     : o.command == Options::Command::Revoke ? "revoke" : "";
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
    else if (a == "--stdin") o.stdin_input = true;
    else if (a == "--stdin-name") st = need(o.stdin_name);
    else if (a == "--hook") {
      st = need(o.hook);
      if (!st && o.hook != "pre-commit" && o.hook != "pre-push" && o.hook != "pre-receive" && o.hook != "commit-msg" &&
          o.hook != "pre-merge-commit")
        return Error{fmt::format("--hook takes pre-commit, pre-merge-commit, pre-push, pre-receive or commit-msg, "
                                 "not '{}'", o.hook)};
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
    else if (a == "--verify") o.verify = true;
    else if ((a == "--yes" || a == "-y") && o.command == Options::Command::Revoke) o.yes = true;
    else if (a == "--show-secrets") o.show_secrets = true;
    else if (a == "--report-unused") o.report_unused = true;
    else if (a == "--no-baseline") o.no_baseline = true;
    else if (a == "--no-color") o.color = "never";
    else if (a == "--no-progress") o.progress = false;
    else if (a == "-q" || a == "--quiet") o.quiet = true;
    else if (a == "-v" || a == "--verbose") o.verbose = true;
    else if (a == "--test" && o.command == Options::Command::Rules) o.rules_test = true;
    else if (a == "--compile" && o.command == Options::Command::Rules) o.rules_compile = true;
    else if (a == "--system" && o.command == Options::Command::Rules) o.system_cache = true;
    else if (a == "--pre-push" && o.command == Options::Command::Install) o.pre_push = true;
    else if (a == "--pre-receive" && o.command == Options::Command::Install) o.pre_receive = true;
    else if (a == "--force" && o.command == Options::Command::Install) o.force = true;
    else if (a == "--global" && (o.command == Options::Command::Install || o.command == Options::Command::Uninstall))
      o.global = true;
    else
      return Error{fmt::format("unknown option '{}'{} (see 'keyward --help')", a, did_you_mean(a, kOptions))};
    if (st) return *st;
  }
  if (!o.format.empty() && o.format != "text" && o.format != "json" && o.format != "sarif" && o.format != "gitlab")
    return Error{fmt::format("--format takes text, json, sarif or gitlab, not '{}'", o.format)};
  if (o.color != "auto" && o.color != "always" && o.color != "never")
    return Error{fmt::format("--color takes auto, always or never, not '{}'", o.color)};
  int modes = (o.all_history ? 1 : 0) + (!o.ranges.empty() ? 1 : 0) + (!o.paths.empty() ? 1 : 0) +
              (o.stdin_input ? 1 : 0);
  if ((o.command == Options::Command::Scan || o.command == Options::Command::Baseline ||
       o.command == Options::Command::Revoke) && modes > 1)
    return Error{"choose one of --all-history, --range, paths and - (standard input)"};
  if (o.no_baseline && !o.baseline.empty()) return Error{"--no-baseline and --baseline contradict each other"};
  if (!o.stdin_name.empty() && !o.stdin_input) return Error{"--stdin-name names standard input: use it with - or --stdin"};
  if (o.stdin_input && !o.hook.empty()) return Error{"- (standard input) cannot be used with --hook"};
  if (o.command == Options::Command::Revoke && !o.hook.empty()) return Error{"'keyward revoke' cannot be used with --hook"};
  if (o.command == Options::Command::Baseline && o.verify) return Error{"--verify does not apply to 'keyward baseline'"};
  if (o.hook == "commit-msg" && o.paths.size() != 1)
    return Error{"--hook commit-msg takes the message file git passes (one path)"};
  if (o.command == Options::Command::Rules && !o.paths.empty())
    return Error{fmt::format("'keyward rules' takes one rule id at most (got '{}' too)", o.paths[0])};
  if (o.system_cache && !o.rules_compile) return Error{"--system goes with 'keyward rules --compile'"};
  if (o.rules_compile && (o.rules_test || !o.rule_id.empty()))
    return Error{"'keyward rules --compile' takes neither --test nor a rule id"};
  return o;
}

}  // namespace keyward
