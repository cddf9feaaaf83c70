// Everything keyward takes from its environment is read here, in the cli, once: the layers
// below get what they need as options (a cache directory, a rules directory, git's index
// and work tree), so no library reads a variable behind its caller's back and tests can
// give them anything. (libgit2 still reads git's own variables when a repository is opened
// from the environment, as git does.) tests/integration/test_layering.py checks that no
// getenv appears outside src/cli.
#pragma once
#include <string>
#include <vector>

#include "repository_open.h"
#include "staged_changes.h"

namespace keyward {

struct Environment {
  std::string keyward_cache_dir, xdg_cache_home, xdg_config_home, home;
  std::string keyward_rules;  // a rules directory, unless --rules names one
  std::string git_template_dir;  // GIT_TEMPLATE_DIR
  std::string keyward_index;  // "libgit2": the staged changes come from the reference implementation
  GitEnvironment git;
  std::string keyward_system_cache_dir;  // KEYWARD_SYSTEM_CACHE_DIR, when system_cache_set
  bool system_cache_set = false;

  // The process's environment (unset and empty variables alike are "").
  static Environment read();

  // $KEYWARD_CACHE_DIR, else $XDG_CACHE_HOME/keyward, else ~/.cache/keyward; "" = no cache.
  std::string cache_dir() const;
  // Where a cache that cannot be written falls back: $XDG_CACHE_HOME/keyward,
  // ~/.cache/keyward, /tmp/keyward-<uid> (used only when the user's own; see CacheDir).
  std::vector<std::string> cache_fallbacks() const;
  // $KEYWARD_SYSTEM_CACHE_DIR ("" turns it off), else the install-time location
  // (/var/cache/keyward for a package): read-only, filled by `keyward rules --compile --system`.
  std::string system_cache_dir() const;
  // --rules when given, else $KEYWARD_RULES, else "" (the engine's default_rules_dir()).
  std::string rules_dir(const std::string& flag) const;
  // $XDG_CONFIG_HOME/keyward (an absolute one only, as the XDG spec says), else
  // ~/.config/keyward; "" without HOME.
  std::string config_home() const;
  StagedOptions staged() const;
};

}  // namespace keyward
