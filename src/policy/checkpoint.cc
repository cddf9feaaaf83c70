#include "checkpoint.h"

#include "fingerprint.h"

#include <string>

namespace keyward {

bool is_checkpoint_path(std::string_view path) {
  static constexpr std::string_view kDir = ".ipynb_checkpoints";
  for (size_t at = path.find(kDir); at != std::string_view::npos; at = path.find(kDir, at + 1)) {
    bool starts = at == 0 || path[at - 1] == '/';
    bool ends = at + kDir.size() < path.size() && path[at + kDir.size()] == '/';
    if (starts && ends) return true;
  }
  return false;
}

Finding checkpoint_finding(std::string_view path) {
  Finding f;
  f.rule_id = "ipynb-checkpoint";
  f.severity = "low";  // hygiene: no secret of its own
  f.description = "Jupyter checkpoint copy staged for commit";
  // The folder this file is in, however deep (models/x/.ipynb_checkpoints), so the command
  // can be pasted; one `.ipynb_checkpoints/` line in .gitignore matches it at any depth.
  std::string dir(path);
  for (size_t at = dir.find(".ipynb_checkpoints"); at != std::string::npos; at = dir.find(".ipynb_checkpoints", at + 1)) {
    size_t end = at + std::string_view(".ipynb_checkpoints").size();
    if ((at == 0 || dir[at - 1] == '/') && end < dir.size() && dir[end] == '/') {
      dir.resize(end);
      break;
    }
  }
  bool plain = dir.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/") ==
               std::string::npos;
  std::string shown = plain ? dir : "'" + dir + "'";
  f.advice = "Unstage it (git rm -r --cached " + shown + ") and add .ipynb_checkpoints/ to .gitignore (that line "
             "matches the folder at any depth); checkpoints duplicate notebooks and configs, secrets included.";
  f.path = std::string(path);
  f.line = f.column = f.end_line = f.end_column = 1;
  f.column_utf16 = f.end_column_utf16 = 1;
  f.fingerprint = fingerprint(f.rule_id, path);
  return f;
}

}  // namespace keyward
