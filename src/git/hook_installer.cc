#include "hook_installer.h"

#include <dirent.h>
#include <limits.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "cache_file.h"
#include "git_handles.h"
#include "hook_templates.h"
#include "mapped_file.h"
#include "repository_open.h"

extern char** environ;

namespace keyward {
namespace {

constexpr const char* kMarker = "keyward pre-";  // first comment line of the pre-* hook scripts
constexpr const char* kMarkerMsg = "keyward commit-msg hook";

bool exists(const std::string& p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0;
}

std::string read_all(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool is_ours(const std::string& p) {
  std::string text = read_all(p);
  return text.find(kMarker) != std::string::npos || text.find(kMarkerMsg) != std::string::npos;
}

// A bare repository (a server's) runs no pre-commit hook: only receive hooks matter there.
bool is_bare(const std::string& start) {
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, start.c_str(), 0, nullptr) != 0) return false;
  RepoPtr repo(raw);
  return git_repository_is_bare(repo.get());
}

Status mkdirs(const std::string& dir) {
  if (!make_dirs(dir, 0755)) return Error{fmt::format("cannot create '{}': {}", dir, std::strerror(errno))};
  return std::nullopt;
}

// The script as installed: the template with the installing binary's path in it.
std::string render_hook(std::string text, const std::string& binary) {
  // The path lands inside double quotes in a shell script: escape what the shell expands there.
  std::string quoted;
  for (char c : binary) {
    if (c == '"' || c == '$' || c == '`' || c == '\\') quoted += '\\';
    quoted += c;
  }
  for (size_t at = text.find("@KEYWARD_BIN@"); at != std::string::npos; at = text.find("@KEYWARD_BIN@", at + quoted.size()))
    text.replace(at, 13, quoted);
  return text;
}

Status write_hook(const std::string& path, const std::string& text) {
  std::string tmp = path + ".keyward-tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return Error{fmt::format("cannot write '{}'", tmp)};
  }
  if (::chmod(tmp.c_str(), 0755) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Error{fmt::format("cannot install '{}': {}", path, std::strerror(errno))};
  }
  return std::nullopt;
}

Result<std::string> install_one(const std::string& dir, const std::string& name, const char* templ,
                                const InstallOptions& o) {
  std::string hook = dir + "/" + name;
  std::string chained = hook + ".keyward-chained";
  std::string replaced = hook + ".keyward-replaced";
  std::string what;
  std::string text = render_hook(templ, o.binary);
  // `pre-commit install` (the framework) moves a hook it finds to <name>.legacy and runs it
  // from its own: keyward is then installed already, and chaining the framework's hook
  // would run keyward twice.
  std::string legacy = hook + ".legacy";
  if (exists(hook) && !is_ours(hook) && exists(legacy) && is_ours(legacy)) {
    if (read_all(legacy) == text && ::access(legacy.c_str(), X_OK) == 0)
      return fmt::format("already installed: {} (the pre-commit framework's {} hook runs it)", legacy, name);
    if (auto e = write_hook(legacy, text)) return *e;
    return fmt::format("updated {} (the pre-commit framework's {} hook runs it)", legacy, name);
  }
  if (exists(hook) && is_ours(hook)) {
    // Re-running install is harmless and says so; an older keyward's script is rewritten.
    if (read_all(hook) == text && ::access(hook.c_str(), X_OK) == 0)
      return fmt::format("already installed: {}", hook);
    what = "updated keyward's earlier script";
  }
  if (exists(hook) && !is_ours(hook)) {
    if (o.force) {
      if (exists(replaced)) return Error{fmt::format("'{}' already exists; remove it first", replaced)};
      if (::rename(hook.c_str(), replaced.c_str()) != 0)
        return Error{fmt::format("cannot move '{}' aside: {}", hook, std::strerror(errno))};
      what = fmt::format("replaced the existing {} hook (kept as {})", name, replaced);
    } else {
      if (exists(chained))
        return Error{fmt::format("'{}' exists and so does '{}'; keyward will not overwrite either. Move one "
                                 "away, or use --force", hook, chained)};
      if (::rename(hook.c_str(), chained.c_str()) != 0)
        return Error{fmt::format("cannot chain '{}': {}", hook, std::strerror(errno))};
      what = fmt::format("chained the existing {} hook (it still runs first, as {})", name, chained);
    }
  }
  if (auto e = write_hook(hook, text)) return *e;
  return fmt::format("installed {}{}", hook, what.empty() ? "" : "; " + what);
}

Result<std::string> uninstall_one(const std::string& dir, const std::string& name) {
  std::string hook = dir + "/" + name;
  std::string chained = hook + ".keyward-chained";
  std::string replaced = hook + ".keyward-replaced";
  std::string legacy = hook + ".legacy";
  if (exists(hook) && !is_ours(hook) && exists(legacy) && is_ours(legacy)) {
    // `pre-commit install` moved keyward's hook to <name>.legacy; a hook keyward had chained
    // goes back there, so the framework keeps running it.
    if (::unlink(legacy.c_str()) != 0)
      return Error{fmt::format("cannot remove '{}': {}", legacy, std::strerror(errno))};
    std::string what = fmt::format("removed {} (keyward's hook, moved there by `pre-commit install`)", legacy);
    for (auto& saved : {chained, replaced}) {
      if (exists(saved)) {
        if (exists(legacy) || ::rename(saved.c_str(), legacy.c_str()) != 0)
          return Error{fmt::format("cannot restore '{}' as '{}': {}", saved, legacy, std::strerror(errno))};
        what += fmt::format("; restored the previous {} hook as {}", name, legacy);
      }
    }
    return what;
  }
  if (!exists(hook) || !is_ours(hook)) {
    if (exists(chained) || exists(replaced))
      return Error{fmt::format("'{}' is not keyward's, yet keyward's saved hook is beside it; resolve by hand", hook)};
    return std::string();
  }
  if (::unlink(hook.c_str()) != 0) return Error{fmt::format("cannot remove '{}': {}", hook, std::strerror(errno))};
  std::string what = fmt::format("removed {}", hook);
  for (auto& saved : {chained, replaced}) {
    if (exists(saved)) {
      if (::rename(saved.c_str(), hook.c_str()) != 0)
        return Error{fmt::format("cannot restore '{}': {}", saved, std::strerror(errno))};
      what += fmt::format("; restored the previous {} hook", name);
    }
  }
  return what;
}

// Runs git with argv (no shell) and returns its exit status; stdout is captured into *out.
int run_git(const std::vector<std::string>& args, std::string* out) {
  std::vector<char*> argv;
  std::string git = "git";
  argv.push_back(git.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  int fds[2];
  if (::pipe(fds) != 0) return -1;
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "git", &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  write_end.reset();  // the child holds its copy: EOF comes when it exits
  if (rc != 0) return -1;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(read_end.get(), buf, sizeof buf)) > 0)
    if (out) out->append(buf, static_cast<size_t>(n));
  read_end.reset();
  int status = 0;
  if (::waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A global git setting (`git config --global --type=path --get key`), "" if unset.
std::string global_setting(const std::string& key) {
  std::string out;
  if (run_git({"config", "--global", "--type=path", "--get", key}, &out) != 0) return "";
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// git's own template directory (what `git init` copies when init.templateDir is unset):
// $GIT_TEMPLATE_DIR, else <prefix>/share/git-core/templates beside git's exec path.
std::string default_git_template_dir(const std::string& from_env) {
  if (!from_env.empty()) return from_env;
  std::string exec;
  if (run_git({"--exec-path"}, &exec) != 0) return "";
  while (!exec.empty() && (exec.back() == '\n' || exec.back() == '/')) exec.pop_back();
  // <prefix>/lib/git-core or <prefix>/libexec/git-core
  for (int up = 0; up < 2; ++up) {
    auto slash = exec.rfind('/');
    if (slash == std::string::npos) return "";
    exec.erase(slash);
  }
  std::string dir = exec + "/share/git-core/templates";
  struct stat st;
  return ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) ? dir : "";
}

// Copies regular files and folders of src into dst, keeping whatever dst already has.
Status copy_tree(const std::string& src, const std::string& dst) {
  if (auto e = mkdirs(dst)) return e;
  DIR* d = ::opendir(src.c_str());
  if (!d) return Error{fmt::format("cannot read '{}': {}", src, std::strerror(errno))};
  std::unique_ptr<DIR, int (*)(DIR*)> closer(d, ::closedir);
  while (dirent* ent = ::readdir(d)) {
    std::string name = ent->d_name;
    if (name == "." || name == "..") continue;
    std::string from = src + "/" + name, to = dst + "/" + name;
    struct stat st;
    if (::stat(from.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (auto e = copy_tree(from, to)) return e;
    } else if (S_ISREG(st.st_mode) && !exists(to)) {
      std::ifstream in(from, std::ios::binary);
      std::ofstream out(to, std::ios::binary);
      out << in.rdbuf();
      if (!out) return Error{fmt::format("cannot write '{}'", to)};
      ::chmod(to.c_str(), st.st_mode & 0777);
    }
  }
  return std::nullopt;
}

// When core.hooksPath points into the working tree at a folder git tracks, installing
// changes files the whole team gets: say so, and what to do instead.
std::string tracked_hooks_warning(const std::string& start, const std::string& dir) {
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, start.c_str(), 0, nullptr) != 0) return "";
  RepoPtr repo(raw);
  const char* wd = git_repository_workdir(repo.get());
  if (!wd) return "";
  char a[PATH_MAX], b[PATH_MAX];
  if (!::realpath(wd, a) || !::realpath(dir.c_str(), b)) return "";
  std::string root = a, hooks = b;
  if (hooks.size() <= root.size() || hooks.compare(0, root.size(), root) != 0 || hooks[root.size()] != '/') return "";
  std::string rel = hooks.substr(root.size() + 1) + "/";
  git_index* rawidx = nullptr;
  if (git_repository_index(&rawidx, repo.get()) != 0) return "";
  IndexPtr index(rawidx);
  bool tracked = false;
  for (size_t i = 0, n = git_index_entrycount(index.get()); i < n && !tracked; ++i)
    tracked = std::string(git_index_get_byindex(index.get(), i)->path).rfind(rel, 0) == 0;
  if (!tracked) return "";
  return fmt::format(
      "\nwarning: core.hooksPath is {}, a folder tracked in this repository: the hooks above are files the "
      "team shares through git, and committing them blocks commits of anyone without keyward installed.\n"
      "  To protect only yourself, undo it ('keyward uninstall') and list keyward in .pre-commit-config.yaml "
      "(the pre-commit framework), or add 'keyward --hook pre-commit || exit $?' to the team's own hook "
      "once everyone has keyward.",
      rel.substr(0, rel.size() - 1));
}

struct GlobalTarget {
  std::string hooks_dir;
  std::string key;       // the git setting that points at it
  std::string set_by_us; // marker file: present when keyward set the key (uninstall unsets it)
};

// Where a global install goes. A global core.hooksPath wins (git runs nothing else); else
// the hooks of init.templateDir, which `git init` and `git clone` copy into every new
// repository; when neither is set keyward creates a template directory of its own.
Result<GlobalTarget> global_target(bool create, const std::string& config_home,
                                   const std::string& git_template_dir = "") {
  GlobalTarget t;
  if (std::string hp = global_setting("core.hooksPath"); !hp.empty()) {
    t.hooks_dir = hp;
    t.key = "core.hooksPath";
    return t;
  }
  const std::string& base = config_home;
  if (base.empty()) return Error{"HOME is not set; cannot choose a global template directory"};
  t.key = "init.templateDir";
  t.set_by_us = base + "/template.keyward-set";
  std::string td = global_setting("init.templateDir");
  if (td.empty()) {
    if (!create) return Error{"no global hooks directory is configured (neither core.hooksPath nor init.templateDir)"};
    td = base + "/git-template";
    if (auto e = mkdirs(td)) return *e;
    // init.templateDir replaces git's own templates: start from a copy of them, so new
    // repositories still get info/exclude, description and the sample hooks.
    if (std::string git_td = default_git_template_dir(git_template_dir); !git_td.empty())
      if (auto e = copy_tree(git_td, td)) return *e;
    if (run_git({"config", "--global", "init.templateDir", td}, nullptr) != 0)
      return Error{"cannot set init.templateDir in the global git configuration (git config --global failed)"};
    std::ofstream(t.set_by_us) << td << '\n';
  }
  t.hooks_dir = td + "/hooks";
  return t;
}

}  // namespace

Result<std::string> hooks_dir_for(const std::string& start) {
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, start.c_str(), 0, nullptr) != 0) {
    if (git_error_text().find("objectformat") != std::string::npos)
      return Error{object_format_problem(start) + "; no hook installed, as it could check nothing"};
    return Error{fmt::format("not a git repository: '{}' (run it inside a repository, or use -C DIR)", start)};
  }
  RepoPtr repo(raw);
  git_config* rawcfg = nullptr;
  std::string dir;
  if (git_repository_config_snapshot(&rawcfg, repo.get()) == 0) {
    ConfigPtr cfg(rawcfg);
    git_buf buf = GIT_BUF_INIT;
    if (git_config_get_path(&buf, cfg.get(), "core.hooksPath") == 0) dir = buf.ptr;
    git_buf_dispose(&buf);
  }
  if (!dir.empty()) {
    // git resolves a relative core.hooksPath against the working tree's root.
    if (dir[0] != '/') {
      const char* wd = git_repository_workdir(repo.get());
      dir = std::string(wd ? wd : git_repository_path(repo.get())) + dir;
    }
    return dir;
  }
  // Hooks live in the common directory, shared by every worktree.
  std::string common = git_repository_commondir(repo.get());
  if (!common.empty() && common.back() == '/') common.pop_back();
  return common + "/hooks";
}

Result<std::string> install_hooks(const InstallOptions& o) {
  std::string dir;
  std::string note;
  if (o.global) {
    auto t = global_target(true, o.config_home, o.git_template_dir);
    if (!t) return Error{t.error()};
    dir = t->hooks_dir;
    note = t->key == "core.hooksPath"
               ? fmt::format("\nthe global core.hooksPath is {}: git runs these hooks in every repository", dir)
               : fmt::format("\ninit.templateDir holds these hooks: every repository created or cloned from now "
                             "on gets them (run 'keyward install' in existing ones, or 'git init' there again)");
  } else {
    auto d = hooks_dir_for(o.start_dir);
    if (!d) return Error{d.error()};
    dir = *d;
    note = tracked_hooks_warning(o.start_dir, dir);
  }
  if (auto e = mkdirs(dir)) return *e;
  // A bare repository is a server's (pushes arrive: pre-receive) or a dotfiles store
  // committed to with `git --git-dir=X --work-tree=Y commit` (pre-commit and commit-msg
  // run then). Both kinds get what they need; the summary says which hook does what.
  std::string bare_note;
  if (!o.global && is_bare(o.start_dir)) {
    auto r = install_one(dir, "pre-receive", kPreReceiveHook, o);
    if (!r) return r;
    note = "\n" + *r + note;
    bare_note = "\nthis is a bare repository: the pre-receive hook refuses pushes that add a secret "
                "(server policy: docs/server.md); pre-commit and commit-msg run only for commits made with "
                "--work-tree (a dotfiles setup)";
  }
  auto one = install_one(dir, "pre-commit", kPreCommitHook, o);
  if (!one) return one;
  std::string summary = *one;
  auto msg = install_one(dir, "commit-msg", kCommitMsgHook, o);
  if (!msg) return msg;
  summary += "\n" + *msg;
  // git runs pre-merge-commit (not pre-commit) for a merge that completes without conflicts.
  auto merge = install_one(dir, "pre-merge-commit", kPreMergeCommitHook, o);
  if (!merge) return merge;
  summary += "\n" + *merge;
  if (o.pre_receive && bare_note.empty()) {
    auto r = install_one(dir, "pre-receive", kPreReceiveHook, o);
    if (!r) return r;
    summary += "\n" + *r;
  }
  if (o.pre_push) {
    auto two = install_one(dir, "pre-push", kPrePushHook, o);
    if (!two) return two;
    summary += "\n" + *two;
  }
  return summary + note + bare_note;
}

Result<std::string> uninstall_hooks(const InstallOptions& o) {
  std::string dir;
  GlobalTarget target;
  if (o.global) {
    auto t = global_target(false, o.config_home);
    if (!t) return std::string("no global hooks directory is configured; nothing to do");
    target = *t;
    dir = target.hooks_dir;
  } else {
    auto d = hooks_dir_for(o.start_dir);
    if (!d) return Error{d.error()};
    dir = *d;
  }
  std::string summary;
  for (const char* name : {"pre-commit", "commit-msg", "pre-merge-commit", "pre-push", "pre-receive"}) {
    auto r = uninstall_one(dir, name);
    if (!r) return r;
    if (!r->empty()) summary += (summary.empty() ? "" : "\n") + *r;
  }
  if (o.global && !target.set_by_us.empty() && exists(target.set_by_us)) {
    // keyward set init.templateDir; undo that too, unless the user has pointed it elsewhere.
    std::string td = read_all(target.set_by_us);
    while (!td.empty() && td.back() == '\n') td.pop_back();
    if (global_setting("init.templateDir") == td) {
      if (run_git({"config", "--global", "--unset", "init.templateDir"}, nullptr) != 0)
        return Error{"cannot unset init.templateDir in the global git configuration"};
      summary += (summary.empty() ? "" : "\n") + std::string("unset the global init.templateDir keyward had set");
    }
    ::unlink(target.set_by_us.c_str());
  }
  return summary.empty() ? std::string("no keyward hook was installed; nothing to do") : summary;
}

}  // namespace keyward
