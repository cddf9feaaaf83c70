#include "scan_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "baseline.h"
#include "checkpoint.h"
#include "disk_source.h"
#include "engine.h"
#include "environment.h"
#include "fingerprint.h"
#include "git_handles.h"
#include "gitlab_reporter.h"
#include "history_source.h"
#include "hook_installer.h"
#include "json_reporter.h"
#include "message_source.h"
#include "pre_push.h"
#include "pyc_duplicates.h"
#include "repository_open.h"
#include "pre_receive.h"
#include "rules_command.h"
#include "sarif_reporter.h"
#include "scan_driver.h"
#include "staged_file.h"
#include "staged_source.h"
#include "text_reporter.h"
#include "verify_command.h"

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
  else if (o.hook == "pre-receive")
    std::cerr << "keyward: the push is refused because the server could not check it; no ref was updated.\n"
                 "keyward: pushing again will not help until this is fixed: tell the server's admin what the\n"
                 "keyward: error above says (an admin-only bypass exists: [server] bypass, docs/server.md).\n";
  else if (o.hook == "pre-merge-commit")
    std::cerr << "keyward: the merge is blocked. To bypass on purpose: git merge --no-verify "
                 "(or KEYWARD_SKIP=1 git merge ...)\n";
  else if (o.hook == "commit-msg")
    std::cerr << "keyward: the commit is blocked. To bypass on purpose: git commit --no-verify "
                 "(or KEYWARD_SKIP=1 git commit)\n";
  else if (o.hook == "pre-commit")  // run by hand, nothing is blocked and nothing needs a bypass
    std::cerr << "keyward: the commit is blocked. To bypass on purpose: git commit --no-verify "
                 "(or KEYWARD_SKIP=1 git commit)\n";
  return 2;
}

// The cold pause is never silent on a terminal, and an unwritable cache is said once.
void cache_hooks(EngineOptions& eo, const Options& o) {
  bool quiet = o.quiet;
  eo.before_compile = [quiet](size_t n, bool from_config) {
    // A handful of config rules compile in well under the blink this line would cost.
    if (quiet || n < 50 || !::isatty(STDERR_FILENO)) return;
    if (from_config)
      std::cerr << fmt::format("keyward: compiling {} rules from the configuration (once per change)...\n", n);
    else
      std::cerr << fmt::format("keyward: compiling {} rules (first run after an install or a rules update; a "
                               "few seconds)...\n", n);
  };
  eo.warn = [quiet](const std::string& w) {
    if (!quiet) std::cerr << "keyward: warning: " << w << '\n';
  };
}

// `keyward rules --compile [--system]`: what an install runs so that the first commit is
// warm. The default rules only: a repository's .keyward.toml rules get their own database.
int compile_rules(const Options& o, EngineOptions eo) {
  if (o.system_cache) {
    eo.cache_dir = eo.system_cache_dir;
    eo.cache_fallbacks = false;
    if (eo.cache_dir.empty()) return fail(o, "no system cache directory is configured (set KEYWARD_SYSTEM_CACHE_DIR)");
  }
  if (eo.cache_dir.empty()) return fail(o, "no cache directory (set KEYWARD_CACHE_DIR or HOME)");
  std::string warning;
  eo.warn = [&warning](const std::string& w) { warning = w; };
  eo.config = Config{};
  auto engine = Engine::create(std::move(eo));
  if (!engine) return fail(o, engine.error());
  const HsDatabase& db = (*engine)->database();
  if (db.cache_path().empty())
    return fail(o, warning.empty() ? std::string("the pattern database could not be cached") : warning);
  if (!warning.empty() && !o.quiet) std::cerr << "keyward: warning: " << warning << '\n';
  if (!o.quiet)
    std::cout << fmt::format("keyward: {} rules {} '{}'\n", (*engine)->rules().size(),
                             db.origin() == HsDatabase::Origin::Compiled
                                 ? fmt::format("compiled in {:.1f} s into", db.compile_seconds())
                                 : std::string("already compiled in"),
                             db.cache_path());
  return 0;
}


Result<Config> find_config(const Options& o, const std::string& root) {
  if (!o.config.empty()) return load_config(o.config);
  std::string candidate = (root.empty() ? std::string(".") : root) + "/.keyward.toml";
  if (file_exists(candidate)) return load_config(candidate);
  return Config{};
}

// The pre-commit hook checks what is staged, and so takes the policy that is staged: an
// unstaged or untracked .keyward.toml (which the commit does not carry) cannot allowlist
// the secret being committed. A difference from the working tree is said, once. (Run by
// hand, keyward reads the working tree's file, so a config can be tried before staging.)
Result<Config> find_staged_config(const Options& o, git_repository* repo, const std::string& root,
                                  const std::string& index_file) {
  if (!o.config.empty()) return load_config(o.config);
  std::string worktree = root + "/.keyward.toml";
  auto staged = staged_file_text(repo, ".keyward.toml", index_file);
  if (!staged) return Error{staged.error()};
  if (!*staged) {
    if (file_exists(worktree) && !o.quiet)
      std::cerr << "keyward: note: .keyward.toml is not staged, so this commit is checked without it "
                   "(git add .keyward.toml to use it)\n";
    return Config{};
  }
  if (!o.quiet && file_exists(worktree)) {
    std::ifstream in(worktree, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text != **staged)
      std::cerr << "keyward: note: .keyward.toml has changes that are not staged; the staged version is used\n";
  }
  return parse_config(**staged, worktree);  // errors name the file as the user knows it
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

// What identifies this repository the same way in every clone of it (a CI checkout, a
// shallow clone, a laptop): the URL of `origin` without scheme, user and ".git"; without
// an origin, where the repository lives. Only salts fingerprints, so it need not be secret.
std::string repository_identity(git_repository* repo) {
  if (!repo) return "";
  git_remote* remote = nullptr;
  if (git_remote_lookup(&remote, repo, "origin") == 0) {
    std::string url = git_remote_url(remote) ? git_remote_url(remote) : "";
    git_remote_free(remote);
    if (auto scheme = url.find("://"); scheme != std::string::npos) url.erase(0, scheme + 3);
    if (auto at = url.find('@'); at != std::string::npos && at < url.find('/')) url.erase(0, at + 1);
    if (auto colon = url.find(':'); colon != std::string::npos && colon < url.find('/')) url[colon] = '/';  // scp-like
    while (!url.empty() && url.back() == '/') url.pop_back();
    if (url.size() > 4 && url.compare(url.size() - 4, 4, ".git") == 0) url.resize(url.size() - 4);
    for (size_t i = 0; i < url.size() && url[i] != '/'; ++i) url[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(url[i])));
    if (!url.empty()) return "remote:" + url;
  }
  const char* common = git_repository_commondir(repo);
  return common ? std::string("path:") + common : "";
}

// The key a baseline file holds, if it is one (a broken or foreign file holds none).
std::string baseline_key(const std::string& path) {
  if (path.empty() || !file_exists(path)) return "";
  auto b = load_baseline(path);
  return b ? b->key : "";
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

// The messages of the annotated tags a pre-push sends (the remote does not have them yet).
Status scan_pushed_tag_messages(git_repository* repo, const Engine& e, const std::string& input, Report& report) {
  std::istringstream in(input);
  auto refs = parse_pre_push(in);
  if (!refs) return Error{refs.error()};
  std::vector<git_oid> tags;
  for (auto& r : *refs) {
    git_oid id;
    if (r.local_sha == r.remote_sha || git_oid_fromstr(&id, r.local_sha.c_str()) != 0) continue;
    git_odb* raw = nullptr;
    if (git_repository_odb(&raw, repo) != 0) return Error{"cannot open the object database: " + git_error_text()};
    OdbPtr odb(raw);
    size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    if (git_odb_read_header(&size, &type, odb.get(), &id) == 0 && type == GIT_OBJECT_TAG) tags.push_back(id);
  }
  return scan_tag_messages(repo, e, tags, report);
}

// The server's configuration for pre-receive, first found of: --config, $KEYWARD_CONFIG
// (set by the admin), keyward.toml in the repository's git directory, and the server-wide
// /etc/keyward/keyward.toml. Never a file of the pushed commits: the pusher controls those.
Result<Config> server_config(const Options& o, git_repository* repo) {
  if (!o.config.empty()) return load_config(o.config);
  if (const char* env = std::getenv("KEYWARD_CONFIG"); env && *env) return load_config(env);
  std::string gitdir = git_repository_path(repo);
  if (!gitdir.empty() && gitdir.back() != '/') gitdir += '/';
  if (file_exists(gitdir + "keyward.toml")) return load_config(gitdir + "keyward.toml");
  if (file_exists("/etc/keyward/keyward.toml")) return load_config("/etc/keyward/keyward.toml");
  return Config{};
}

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// The baseline a run uses, first found of: --baseline; `baseline = "..."` in the
// configuration (relative to its directory); .keyward-baseline at the repository root. So
// the hook needs no flag. The pre-commit hook reads a file inside the repository as it is
// staged, like its configuration: an unstaged baseline cannot accept the secret being
// committed. `from` says which was used ("" = none).
struct ChosenBaseline {
  Baseline baseline;
  std::string from;
};

Result<ChosenBaseline> find_baseline(const Options& o, const Config& cfg, git_repository* repo,
                                     const std::string& root, bool staged) {
  ChosenBaseline c;
  if (!o.baseline.empty()) {
    auto b = load_baseline(o.baseline);
    if (!b) return Error{b.error()};
    c.baseline = std::move(*b);
    c.from = o.baseline + " (--baseline)";
    return c;
  }
  if (o.no_baseline) return c;
  std::string path, why;
  bool required = false;
  if (!cfg.baseline.empty()) {
    path = cfg.baseline[0] == '/' ? cfg.baseline : dir_of(cfg.origin) + "/" + cfg.baseline;
    why = fmt::format("baseline = \"{}\" in {}", cfg.baseline, cfg.origin);
    required = true;  // named on purpose: a missing file is an error, not silence
  } else {
    // Outside a repository, where the configuration is looked for too: the current directory.
    path = (root.empty() ? std::string(".") : root) + "/.keyward-baseline";
    why = root.empty() ? "found in the current directory" : "found at the repository root";
  }
  std::string rel;
  if (!root.empty() && path.rfind(root + "/", 0) == 0) rel = path.substr(root.size() + 1);
  if (staged && repo && !rel.empty()) {
    auto text = staged_file_text(repo, rel);
    if (!text) return Error{text.error()};
    if (!*text) {
      if (required && !file_exists(path))
        return Error{fmt::format("cannot read baseline '{}' named by {}", path, why)};
      if (file_exists(path) && !o.quiet)
        std::cerr << fmt::format("keyward: note: {} is not staged, so this commit is checked without it "
                                 "(git add {} to use it)\n", rel, rel);
      return c;
    }
    auto b = parse_baseline(**text, rel);
    if (!b) return Error{b.error()};
    c.baseline = std::move(*b);
    c.from = rel + " (staged; " + why + ")";
    return c;
  }
  if (!required && !file_exists(path)) return c;
  auto b = load_baseline(path);
  if (!b) return Error{required ? fmt::format("{} (named by {})", b.error(), why) : b.error()};
  c.baseline = std::move(*b);
  c.from = path + " (" + why + ")";
  return c;
}

// The one way every command builds its engine: rules from --rules, else $KEYWARD_RULES,
// else beside the binary; caches in the environment's cache directory, its fallbacks and
// the system-wide one; the cold pause and an unwritable cache said (cache_hooks).
EngineOptions engine_options(const Options& o, const Environment& env) {
  EngineOptions eo;
  eo.rules_dir = env.rules_dir(o.rules_dir);
  eo.cache_dir = env.cache_dir();
  eo.cache_fallback_dirs = env.cache_fallbacks();
  eo.system_cache_dir = env.system_cache_dir();
  cache_hooks(eo, o);
  return eo;
}

// with_examples: the rules' examples and references too (parsed from the rule files; the
// pattern database still comes from the cache).
Result<std::unique_ptr<Engine>> load_engine(const Options& o, const Environment& env, Config cfg,
                                            bool with_examples = false) {
  EngineOptions eo = engine_options(o, env);
  eo.rules_with_examples = with_examples;
  eo.config = std::move(cfg);
  return Engine::create(std::move(eo));
}

// The one way every scan writes its report: the format asked for (text when none), to
// `out`; a text report with nothing to say is left out when `quiet_if_clean`.
void write_report(std::ostream& out, const std::string& format_flag, const Report& report, const ReportOptions& ro,
                  bool quiet_if_clean) {
  std::string format = format_flag.empty() ? "text" : format_flag;
  if (format == "json") write_json(out, report, ro);
  else if (format == "sarif") write_sarif(out, report, ro);
  else if (format == "gitlab") write_gitlab(out, report, ro);
  else if (!quiet_if_clean || !report.findings.empty()) write_text(out, report, ro);
}

// Findings in one order for every report: path, line, column, rule.
void sort_findings(Report& report) {
  std::stable_sort(report.findings.begin(), report.findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.path, a.line, a.column, a.rule_id) < std::tie(b.path, b.line, b.column, b.rule_id);
  });
}

// The keys fingerprints are computed with, in order: fingerprint_key in the config, then
// the given candidates (keys of baselines in play), then a new random key when one is
// wanted and none was found, then a salt from the repository's identity. The first is the
// key in force; the others are accepted when matching (configuration.md, "Fingerprints").
// Every mode chooses them here, so a baseline matches whichever mode reads it.
Status choose_fingerprint_keys(Config& cfg, const std::vector<std::string>& candidates, bool want_new_key,
                               git_repository* repo) {
  std::vector<std::string>& keys = cfg.fingerprint_keys;
  auto add = [&](const std::string& k) {
    if (!k.empty() && std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  };
  add(cfg.fingerprint_key);
  for (auto& k : candidates) add(k);
  if (want_new_key && keys.empty()) {
    add(new_fingerprint_key());
    if (keys.empty()) return Error{"cannot get random bytes from the system for a new fingerprint key"};
  }
  add(salt_key(repository_identity(repo)));
  return std::nullopt;
}

// A pre-receive hook on a git server. Everything it prints reaches the pusher as "remote:"
// lines, so the report is plain text without colour; errors refuse the push (fail closed)
// unless the admin chose [server] on_error = "accept".
int run_pre_receive(const Options& o) {
  const Environment env = Environment::read();
  auto start = std::chrono::steady_clock::now();
  GitLibrary git;
  RepoPtr repo;
  {
    git_repository* raw = nullptr;
    // FROM_ENV: git runs the hook with the pushed objects in quarantine, named by
    // GIT_OBJECT_DIRECTORY and GIT_ALTERNATE_OBJECT_DIRECTORIES.
    if (git_repository_open_ext(&raw, nullptr, GIT_REPOSITORY_OPEN_FROM_ENV, nullptr) != 0) {
      std::string why = git_error_text();
      std::string lower = why;
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower.find("objectformat") != std::string::npos)
        return fail(o, "this repository uses SHA-256 object ids (extensions.objectFormat = sha256); keyward is built "
                       "on libgit2 1.5, which cannot read SHA-256 repositories, so the push cannot be checked");
      return fail(o, "cannot open the repository receiving the push: " + why);
    }
    repo.reset(raw);
  }
  auto cfg = server_config(o, repo.get());
  if (!cfg) return fail(o, cfg.error());
  const ServerPolicy policy = cfg->server;
  const std::string origin = cfg->origin;
  auto refuse = [&](const std::string& message) {
    if (!policy.fail_open) return fail(o, message);
    std::cerr << "keyward: error: " << message << '\n'
              << "keyward: the push is accepted UNCHECKED: [server] on_error = \"accept\" in " << origin << '\n';
    return 0;
  };
  if (policy.bypass) {
    std::cerr << "keyward: BYPASS: [server] bypass = true in " << origin
              << ": the push is accepted without a scan. (The server's admin set this; remove it when the "
                 "emergency is over.)\n";
    return 0;
  }
  // Push options come from the pusher: they never change what is checked, and saying so
  // here means nobody believes they did.
  if (const char* n = std::getenv("GIT_PUSH_OPTION_COUNT"); n && std::atoi(n) > 0)
    std::cerr << fmt::format("keyward: note: {} push option{} given; keyward ignores push options (only the server's "
                             "admin can bypass the check)\n", std::atoi(n), std::atoi(n) == 1 ? " was" : "s were");
  if (o.verify && !o.quiet)
    std::cerr << "keyward: note: --verify is ignored in the pre-receive hook (a server never sends the pushed "
                 "secrets anywhere)\n";
  auto refs = parse_pre_receive(std::cin);
  if (!refs) return refuse(refs.error());
  std::string baseline = o.baseline;
  if (baseline.empty() && !policy.baseline.empty())
    baseline = policy.baseline[0] == '/' ? policy.baseline : dir_of(origin) + "/" + policy.baseline;
  Baseline known;
  if (!baseline.empty()) {
    auto b = load_baseline(baseline);
    if (!b) return refuse(b.error());
    known = std::move(*b);
  }
  if (auto st = choose_fingerprint_keys(*cfg, {known.key}, false, repo.get())) return refuse(st->message);

  auto engine = load_engine(o, env, std::move(*cfg));
  if (!engine) return refuse(engine.error());
  const Engine& e = **engine;
  print_config_notes(e.config(), o.verbose, o.quiet);

  Report report;
  report.rules = &e.rules();
  report.mode = "pre-receive";
  PreReceiveOptions po;
  po.history.jobs = o.jobs;
  po.history.progress = false;
  po.ref_globs = policy.refs;
  if (auto st = scan_pre_receive(repo.get(), e, po, *refs, report)) return refuse(st->message);

  if (!baseline.empty()) e.scanner().policy().apply_baseline(known, report.findings);
  sort_findings(report);
  report.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ReportOptions ro;
  ro.verbose = o.verbose;
  ro.color = false;  // relayed as "remote:" lines: escape codes would show as garbage
  write_report(std::cout, o.format, report, ro, /*quiet_if_clean=*/!o.verbose);
  std::cout.flush();
  size_t k = report.findings.size();
  // One line for the server's logs as much as for the pusher.
  std::cerr << fmt::format("keyward: pre-receive: {} ref{}, {} blob{} ({:.1f} MiB) scanned in {:.2f} s: {}\n",
                           refs->size(), refs->size() == 1 ? "" : "s", report.stats.blobs,
                           report.stats.blobs == 1 ? "" : "s", report.stats.bytes / 1048576.0, report.stats.seconds,
                           k == 0 ? std::string("no findings, push accepted")
                                  : fmt::format("{} finding{}, push refused", k, k == 1 ? "" : "s"));
  return k == 0 ? 0 : 1;
}

// The commit-msg hook: the message file git is about to commit.
int run_commit_msg(const Options& o) {
  const Environment env = Environment::read();
  std::ifstream in(o.paths[0], std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  if (!in) return fail(o, fmt::format("cannot read the commit message file '{}'", o.paths[0]));
  GitLibrary git;
  std::string root;
  git_repository* raw = nullptr;
  RepoPtr repo;
  if (git_repository_open_ext(&raw, nullptr, GIT_REPOSITORY_OPEN_FROM_ENV, nullptr) == 0) {
    repo.reset(raw);
    if (const char* wd = git_repository_workdir(repo.get())) root = wd;
  }
  if (!root.empty() && root.back() == '/') root.pop_back();
  auto cfg = find_config(o, root);
  if (!cfg) return fail(o, cfg.error());
  auto chosen = find_baseline(o, *cfg, repo.get(), root, false);
  if (!chosen) return fail(o, chosen.error());
  const Baseline& given = chosen->baseline;
  if (o.verbose && !chosen->from.empty()) std::cerr << "keyward: note: baseline " << chosen->from << '\n';
  std::vector<std::string> candidates{given.key};
  if (!root.empty()) candidates.push_back(baseline_key(root + "/.keyward-baseline"));
  if (auto st = choose_fingerprint_keys(*cfg, candidates, false, repo.get())) return fail(o, st->message);
  auto engine = load_engine(o, env, std::move(*cfg));
  if (!engine) return fail(o, engine.error());
  Report report;
  report.rules = &(*engine)->rules();
  report.mode = "commit-msg";
  std::string text = ss.str();
  auto found = scan_message_text(**engine, text);
  if (!found) return fail(o, found.error());
  report.findings = std::move(*found);
  if (!chosen->from.empty()) (*engine)->scanner().policy().apply_baseline(given, report.findings);
  if (report.findings.empty()) return 0;
  ReportOptions ro;
  ro.show_secrets = o.show_secrets;
  ro.color = want_color(o, ::isatty(1));
  write_report(std::cout, "", report, ro, /*quiet_if_clean=*/false);  // a message is text: --format is for scans
  return 1;
}

// `keyward -`: standard input, read to its end, scanned as one file named --stdin-name (or
// "-"): that name is what reports show and what path allowlists and path rules match.
Status scan_stdin(const Engine& e, const std::string& name, Report& report) {
  std::string data;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(0, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{fmt::format("cannot read standard input: {}", std::strerror(errno))};
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  std::string rel = name;
  while (rel.rfind("./", 0) == 0) rel.erase(0, 2);
  if (e.scanner().policy().path_allowed(rel)) {
    report.stats.notes.push_back(fmt::format("{}: allowlisted by path, not scanned", name));
    return std::nullopt;
  }
  if (e.config().block_checkpoints && is_checkpoint_path(rel)) report.findings.push_back(checkpoint_finding(name));
  // The same driver as files and blobs: one pseudo-file held in memory.
  std::vector<MemoryBlob> in{MemoryBlob{name, std::move(data), rel}};
  auto scanned = scan_memory(in, e.scanner(), BlobScanOptions{});
  if (!scanned) return Error{scanned.error()};
  report.stats.blobs += scanned->blobs;
  report.stats.bytes += scanned->bytes;
  for (auto& [tag, why] : scanned->not_scanned_why) {
    ++report.stats.skipped;
    report.stats.notes.push_back(fmt::format("{}: {}, not scanned", in[tag].path, why));
  }
  for (auto& bf : scanned->found)
    for (auto& f : bf.findings) report.findings.push_back(std::move(f));
  return std::nullopt;
}

}  // namespace

int run_scan(const Options& o) {
  // On a server KEYWARD_SKIP is not honoured: the bypass is the admin's [server] bypass.
  if (o.hook == "pre-receive") return run_pre_receive(o);
  // KEYWARD_SKIP=1 bypasses a hook once, on purpose (`KEYWARD_SKIP=1 git commit`). Exported in
  // a shell it must not also turn scans run on purpose (a directory, history, CI) into exit 0,
  // so it counts only in hook mode.
  if (const char* skip = std::getenv("KEYWARD_SKIP"); skip && std::strcmp(skip, "1") == 0) {
    if (!o.hook.empty()) {
      std::cerr << "keyward: skipped (KEYWARD_SKIP=1); nothing was scanned.\n";
      return 0;
    }
    if (!o.quiet) std::cerr << "keyward: note: KEYWARD_SKIP=1 is ignored: it skips only the git hooks\n";
  }
  if (o.hook == "commit-msg") return run_commit_msg(o);
  warn_test_only_settings(std::cerr);
  const Environment env = Environment::read();
  auto start = std::chrono::steady_clock::now();
  if (!o.chdir.empty() && ::chdir(o.chdir.c_str()) != 0)
    return fail(o, fmt::format("cannot change to '{}': {}", o.chdir, std::strerror(errno)));

  GitLibrary git;
  // The pre-push hook passes git's remote name and URL along: they are not paths.
  bool git_mode = (o.paths.empty() && !o.stdin_input) || o.hook == "pre-push";
  RepoPtr repo;
  std::string root;
  {
    // Like git: GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE and friends are honoured. `git commit
    // -a` and `git commit PATH` run the hook with GIT_INDEX_FILE naming a temporary index.
    OpenedRepository opened = open_repository_from_env(env.git);
    if (opened.repo) {
      repo = std::move(opened.repo);
      if (const char* wd = git_repository_workdir(repo.get())) root = wd;
    } else if (git_mode) {
      if (!opened.why.empty()) return fail(o, opened.why);
      return fail(o, "not a git repository (or any parent up to the root): run keyward inside a repository, "
                     "use -C DIR, or name paths to scan files on disk");
    }
    if (git_mode && root.empty() && !o.all_history && o.ranges.empty() && o.hook != "pre-push")
      return fail(o, "this is a bare repository: there is no index to check (use --all-history or --range)");
  }
  if (!root.empty() && root.back() == '/') root.pop_back();

  // The hook (a real commit) takes the staged policy; a run by hand checks the working tree's.
  bool staged_mode = o.hook == "pre-commit";
  auto cfg = staged_mode && repo && !root.empty() ? find_staged_config(o, repo.get(), root, env.git.index_file)
                                                  : find_config(o, git_mode ? root : (root.empty() ? "." : root));
  if (!cfg) return fail(o, cfg.error());
  // Read before scanning: a wrong file fails fast, and its key computes the fingerprints.
  // Writing a baseline reads none: it records every current finding.
  ChosenBaseline chosen;
  if (o.command != Options::Command::Baseline || !o.baseline.empty()) {
    auto c = find_baseline(o, *cfg, repo.get(), root, staged_mode);
    if (!c) return fail(o, c.error());
    chosen = std::move(*c);
  }
  const Baseline& given = chosen.baseline;
  if (o.verbose && !o.quiet && !chosen.from.empty()) std::cerr << "keyward: note: baseline " << chosen.from << '\n';
  // The key in force, first found of: fingerprint_key in the config; the key of the
  // baseline being rewritten; of --baseline; of the repository's .keyward-baseline; a new
  // random one when writing a baseline; else a salt from the repository's identity. The
  // others are accepted too when matching (docs/configuration.md, "Fingerprints").
  {
    std::string out_path = o.output.empty() ? ".keyward-baseline" : o.output;
    std::vector<std::string> candidates;
    if (o.command == Options::Command::Baseline) candidates.push_back(baseline_key(out_path));
    candidates.push_back(given.key);
    if (!root.empty()) candidates.push_back(baseline_key(root + "/.keyward-baseline"));
    if (auto st = choose_fingerprint_keys(*cfg, candidates, o.command == Options::Command::Baseline, repo.get()))
      return fail(o, st->message);
  }
  auto engine = load_engine(o, env, std::move(*cfg));
  if (!engine) return fail(o, engine.error());
  if (!engine.value()->note().empty() && o.verbose) {
    std::istringstream notes(engine.value()->note());
    for (std::string line; std::getline(notes, line);) std::cerr << "keyward: note: " << line << '\n';
  }
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
  ho.strict = o.strict;
  Status st;
  if (o.hook == "pre-push") {
    report.mode = "pre-push";
    // git runs the hook with the remote's name (or its URL, pushing to a URL) and URL.
    std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    std::istringstream in(input);
    st = scan_pre_push(repo.get(), e, ho, in, report, o.paths.empty() ? "" : o.paths[0]);
    if (!st) st = scan_pushed_tag_messages(repo.get(), e, input, report);
  } else if (o.stdin_input) {
    report.mode = "disk";
    st = scan_stdin(e, o.stdin_name.empty() ? "-" : o.stdin_name, report);
  } else if (!o.paths.empty()) {
    report.mode = "disk";
    std::vector<std::string> notices;
    // Allowlists judge paths relative to the repository root (or, outside one, the
    // current directory), wherever the scan is run from.
    std::string policy_root = root;
    if (policy_root.empty()) policy_root = ".";
    st = scan_paths(o.paths, e, report, &unreadable, &notices, o.jobs, policy_root, ho.progress);
    if (!o.quiet)
      for (auto& n : notices) std::cerr << "keyward: note: " << n << '\n';
  } else if (o.all_history) {
    report.mode = "history";
    st = scan_history(repo.get(), e, ho, report);
  } else if (!o.ranges.empty()) {
    report.mode = "range";
    st = scan_ranges(repo.get(), e, ho, report);
  } else {
    // "staged": run by hand, the same scan, but no commit is being blocked.
    report.mode = o.hook == "pre-merge-commit" ? "pre-merge-commit" : o.hook == "pre-commit" ? "pre-commit" : "staged";
    st = scan_staged(repo.get(), e, report, {}, env.staged());
  }
  if (st) return fail(o, st->message);
  // A module's secret found again in its __pycache__ bytecode is one finding.
  merge_pyc_duplicates(report.findings);

  if (!chosen.from.empty()) {
    auto unused = e.scanner().policy().apply_baseline(given, report.findings);
    if (o.report_unused) report.unused_baseline = unused;
  }
  sort_findings(report);
  report.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Outside git (`keyward DIR` before an upload) nothing is committed: a checkpoint folder
  // is worth a warning, once per folder, not a failed run, unless [checkpoints] says so.
  if (report.mode == "disk" && !repo && !e.config().checkpoints_configured) {
    std::vector<std::string> folders;
    auto is_checkpoint = [](const Finding& f) { return f.rule_id == "ipynb-checkpoint"; };
    for (auto& f : report.findings) {
      if (!is_checkpoint(f)) continue;
      std::string dir = f.path;
      if (auto at = dir.find(".ipynb_checkpoints/"); at != std::string::npos) dir.resize(at + 18);
      if (std::find(folders.begin(), folders.end(), dir) == folders.end()) folders.push_back(dir);
    }
    report.findings.erase(std::remove_if(report.findings.begin(), report.findings.end(), is_checkpoint),
                          report.findings.end());
    for (auto& dir : folders)
      report.stats.warnings.push_back(fmt::format(
          "{}/: Jupyter checkpoint copies (ipynb-checkpoint): leave the folder out of what you upload (delete it, or "
          "huggingface-cli upload ... --exclude '*.ipynb_checkpoints/*'); outside git this does not change the exit "
          "status ([checkpoints] block = true in .keyward.toml makes it a finding)", dir));
  }
  // What was not scanned: a warning on every run, or (errors) exit 2 after the report.
  for (auto& w : report.stats.warnings) std::cerr << "keyward: warning: " << w << '\n';
  auto incomplete = [&]() {
    for (size_t i = 0; i + 1 < report.stats.errors.size(); ++i)
      std::cerr << "keyward: error: " << report.stats.errors[i] << '\n';
    return fail(o, report.stats.errors.back());
  };

  if (o.command == Options::Command::Revoke) {
    if (!report.stats.errors.empty()) return incomplete();
    if (!unreadable.empty()) {
      for (auto& u : unreadable) std::cerr << "keyward: cannot read " << u << '\n';
      return fail(o, "some files could not be read, so the scan is incomplete; nothing was revoked");
    }
    return revoke_report(o, e.config().verify, report, std::cout, std::cerr);
  }
  // Opt-in, after every filter and the baseline: only what is reported is ever asked about.
  if (verification_wanted(o, e.config().verify, std::cerr)) verify_report(e.config().verify, report, o.quiet, std::cerr);

  if (o.command == Options::Command::Baseline) {
    if (!report.stats.errors.empty()) return incomplete();
    std::string path = o.output.empty() ? ".keyward-baseline" : o.output;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << format_baseline(report.findings, e.config().fingerprint_keys.front());
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
  write_report(*out, format, report, ro, /*quiet_if_clean=*/o.quiet);
  out->flush();
  if (!*out) return fail(o, "cannot write the report");
  // With -o the terminal shows nothing else, so the summary says where the report went.
  // A clean hook run is silent: a clean push is as quiet as a clean commit.
  bool quiet_when_clean = report.mode == "pre-commit" || report.mode == "pre-merge-commit" || report.mode == "pre-push" ||
                   report.mode == "staged";
  bool summary = !o.output.empty() || (format == "text" && !quiet_when_clean);
  if (summary && !o.quiet && report.stats.errors.empty()) {
    size_t k = report.findings.size();
    std::cerr << fmt::format("keyward: scanned {} blob{}, {:.1f} MiB in {:.2f} s: {}{}\n", report.stats.blobs,
                             report.stats.blobs == 1 ? "" : "s", report.stats.bytes / 1048576.0, report.stats.seconds,
                             k == 0 ? std::string("no findings") : fmt::format("{} finding{}", k, k == 1 ? "" : "s"),
                             o.output.empty() ? std::string() : fmt::format("; {} report written to {}", format, o.output));
  }
  if (o.report_unused && format == "text")
    for (auto& fp : report.unused_baseline) std::cerr << "keyward: baseline entry matched nothing: " << fp << '\n';
  if (!report.stats.errors.empty()) return incomplete();
  if (!unreadable.empty()) {
    for (auto& u : unreadable) std::cerr << "keyward: cannot read " << u << '\n';
    return fail(o, fmt::format("{} file{} could not be read, so the scan is incomplete", unreadable.size(),
                               unreadable.size() == 1 ? "" : "s"));
  }
  return report.findings.empty() ? 0 : 1;
}

int run_rules(const Options& o) {
  const Environment env = Environment::read();
  auto cfg = o.config.empty() ? Result<Config>(Config{}) : load_config(o.config);
  if (!cfg) return fail(o, cfg.error());
  // The rule cache holds what scanning needs, not the examples: --test, one rule shown
  // whole and the JSON list read the rule files themselves (the database stays cached).
  bool need_examples = o.rules_test || !o.rule_id.empty() || o.format == "json";
  if (o.rules_compile) return compile_rules(o, engine_options(o, env));
  // Examples are judged by the rules alone: no allowlists.
  if (o.rules_test)
    cfg->allow_paths.clear(), cfg->allow_regexes.clear(), cfg->stopwords = {}, cfg->allow_values = {};
  auto engine = load_engine(o, env, std::move(*cfg), need_examples);
  if (!engine) return fail(o, engine.error());
  print_config_notes((*engine)->config(), true, false);
  if (o.rules_test) return test_rules(**engine, std::cout, std::cerr) ? 1 : 0;
  if (!o.rule_id.empty()) {
    if (show_one_rule(std::cout, (*engine)->rules(), o.rule_id, o.format == "json")) return 0;
    std::string near = closest_match(o.rule_id, rule_ids((*engine)->rules()));
    return fail(o, fmt::format("no rule '{}'{} (list the ids with 'keyward rules')", o.rule_id,
                               near.empty() ? std::string() : fmt::format("; did you mean '{}'?", near)));
  }
  list_rules(std::cout, (*engine)->rules(), o.format == "json");
  return 0;
}

int run_install(const Options& o) {
  if (!o.chdir.empty() && ::chdir(o.chdir.c_str()) != 0)
    return fail(o, fmt::format("cannot change to '{}': {}", o.chdir, std::strerror(errno)));
  GitLibrary git;
  InstallOptions io;
  io.pre_push = o.pre_push;
  io.pre_receive = o.pre_receive;
  io.force = o.force;
  io.global = o.global;
  const Environment env = Environment::read();
  io.config_home = env.config_home();
  io.git_template_dir = env.git_template_dir;
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  io.binary = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "keyward";
  auto r = o.command == Options::Command::Install ? install_hooks(io) : uninstall_hooks(io);
  if (!r) return fail(o, r.error());
  if (!o.quiet) std::cout << *r << '\n';
  if (o.command == Options::Command::Install) {
    // The first commit must not pay for compiling the default rules: a cold cache is
    // filled now (a warm one costs a few milliseconds to confirm).
    auto engine = Engine::create(engine_options(o, env));
    if (!engine && !o.quiet)
      std::cerr << "keyward: note: the pattern cache could not be filled now (the first commit will): "
                << engine.error() << '\n';
  }
  return 0;
}

}  // namespace keyward
