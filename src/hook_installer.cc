#include "hook_installer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "git_handles.h"
#include "hook_templates.h"

namespace keyward {
namespace {

constexpr const char* kMarker = "keyward pre-";  // first comment line of both hook scripts

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

bool is_ours(const std::string& p) { return read_all(p).find(kMarker) != std::string::npos; }

Status mkdirs(const std::string& dir) {
  std::string cur;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if ((i == dir.size() || dir[i] == '/') && !cur.empty() && ::mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST)
      return Error{fmt::format("cannot create '{}': {}", cur, std::strerror(errno))};
    if (i < dir.size()) cur += dir[i];
  }
  return std::nullopt;
}

Status write_hook(const std::string& path, std::string text, const std::string& binary) {
  for (size_t at = text.find("@KEYWARD_BIN@"); at != std::string::npos; at = text.find("@KEYWARD_BIN@"))
    text.replace(at, 13, binary);
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
  if (auto e = write_hook(hook, templ, o.binary)) return *e;
  return fmt::format("installed {}{}", hook, what.empty() ? "" : "; " + what);
}

Result<std::string> uninstall_one(const std::string& dir, const std::string& name) {
  std::string hook = dir + "/" + name;
  std::string chained = hook + ".keyward-chained";
  std::string replaced = hook + ".keyward-replaced";
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

std::string global_hooks_dir(std::string* err) {
  git_config* raw = nullptr;
  if (git_config_open_default(&raw) != 0) {
    *err = git_error_text();
    return "";
  }
  ConfigPtr cfg(raw);
  git_buf buf = GIT_BUF_INIT;
  std::string dir;
  if (git_config_get_path(&buf, cfg.get(), "core.hooksPath") == 0) dir = buf.ptr;
  git_buf_dispose(&buf);
  return dir;
}

}  // namespace

Result<std::string> hooks_dir_for(const std::string& start) {
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, start.c_str(), 0, nullptr) != 0)
    return Error{fmt::format("not a git repository: '{}' (run it inside a repository, or use -C DIR)", start)};
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
  if (o.global) {
    std::string err;
    dir = global_hooks_dir(&err);
    if (dir.empty()) {
      const char* home = std::getenv("HOME");
      if (!home) return Error{"HOME is not set; cannot choose a global hooks directory"};
      dir = std::string(home) + "/.config/keyward/hooks";
      std::string cmd = fmt::format("git config --global core.hooksPath '{}'", dir);
      if (std::system(cmd.c_str()) != 0) return Error{"cannot set core.hooksPath in the global git configuration"};
    }
  } else {
    auto d = hooks_dir_for(o.start_dir);
    if (!d) return Error{d.error()};
    dir = *d;
  }
  if (auto e = mkdirs(dir)) return *e;
  auto one = install_one(dir, "pre-commit", kPreCommitHook, o);
  if (!one) return one;
  std::string summary = *one;
  if (o.pre_push) {
    auto two = install_one(dir, "pre-push", kPrePushHook, o);
    if (!two) return two;
    summary += "\n" + *two;
  }
  return summary;
}

Result<std::string> uninstall_hooks(const InstallOptions& o) {
  std::string dir;
  if (o.global) {
    std::string err;
    dir = global_hooks_dir(&err);
    if (dir.empty()) return std::string("no global hooks directory is configured; nothing to do");
  } else {
    auto d = hooks_dir_for(o.start_dir);
    if (!d) return Error{d.error()};
    dir = *d;
  }
  std::string summary;
  for (const char* name : {"pre-commit", "pre-push"}) {
    auto r = uninstall_one(dir, name);
    if (!r) return r;
    if (!r->empty()) summary += (summary.empty() ? "" : "\n") + *r;
  }
  return summary.empty() ? std::string("no keyward hook was installed; nothing to do") : summary;
}

}  // namespace keyward
