// `keyward install` / `keyward uninstall`: put the hook where git runs it (core.hooksPath,
// worktrees), chain a hook that was already there, and undo exactly that.
#pragma once
#include <string>

#include "result.h"

namespace keyward {

struct InstallOptions {
  std::string start_dir = ".";
  bool pre_push = false;
  bool pre_receive = false;  // the server hook (implied in a bare repository)
  bool force = false;    // replace a foreign hook (kept aside, restored by uninstall)
  bool global = false;   // a hooks directory for every repository (core.hooksPath globally)
  std::string binary;    // absolute path of keyward to call from the hook
  // keyward's own configuration directory ($XDG_CONFIG_HOME/keyward, else
  // ~/.config/keyward; the cli reads the environment): where a global install keeps its
  // template directory. "" when HOME is not set.
  std::string config_home;
  std::string git_template_dir;  // $GIT_TEMPLATE_DIR ("" = git's own default)
};

// Returns a human summary of what was done.
Result<std::string> install_hooks(const InstallOptions& o);
Result<std::string> uninstall_hooks(const InstallOptions& o);

// Where git runs hooks for the repository around dir.
Result<std::string> hooks_dir_for(const std::string& dir);

}  // namespace keyward
