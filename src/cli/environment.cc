#include "environment.h"

#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

namespace keyward {
namespace {

std::string var(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

Environment Environment::read() {
  Environment e;
  e.keyward_cache_dir = var("KEYWARD_CACHE_DIR");
  e.xdg_cache_home = var("XDG_CACHE_HOME");
  e.xdg_config_home = var("XDG_CONFIG_HOME");
  e.home = var("HOME");
  e.keyward_rules = var("KEYWARD_RULES");
  e.keyward_index = var("KEYWARD_INDEX");
  e.git_template_dir = var("GIT_TEMPLATE_DIR");
  if (const char* sys = std::getenv("KEYWARD_SYSTEM_CACHE_DIR")) e.keyward_system_cache_dir = sys, e.system_cache_set = true;
  e.git.git_dir = var("GIT_DIR");
  e.git.work_tree = var("GIT_WORK_TREE");
  e.git.index_file = var("GIT_INDEX_FILE");
  return e;
}

std::string Environment::cache_dir() const {
  if (!keyward_cache_dir.empty()) return keyward_cache_dir;
  if (!xdg_cache_home.empty()) return xdg_cache_home + "/keyward";
  if (!home.empty()) return home + "/.cache/keyward";
  return "";
}

std::vector<std::string> Environment::cache_fallbacks() const {
  std::vector<std::string> dirs;
  if (!xdg_cache_home.empty()) dirs.push_back(xdg_cache_home + "/keyward");
  if (!home.empty()) dirs.push_back(home + "/.cache/keyward");
  dirs.push_back(fmt::format("/tmp/keyward-{}", static_cast<unsigned long>(::getuid())));
  return dirs;
}

std::string Environment::system_cache_dir() const {
  if (system_cache_set) return keyward_system_cache_dir;  // set to "": turned off
#ifdef KEYWARD_SYSTEM_CACHE
  return KEYWARD_SYSTEM_CACHE;
#else
  return "";
#endif
}

std::string Environment::rules_dir(const std::string& flag) const { return flag.empty() ? keyward_rules : flag; }

std::string Environment::config_home() const {
  if (!xdg_config_home.empty() && xdg_config_home[0] == '/') return xdg_config_home + "/keyward";
  return home.empty() ? "" : home + "/.config/keyward";
}

StagedOptions Environment::staged() const {
  StagedOptions s;
  s.index_file = git.index_file;
  s.reference_only = keyward_index == "libgit2";
  return s;
}

}  // namespace keyward
