#include "checkpoint.h"

#include "fingerprint.h"

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
  f.description = "Jupyter checkpoint copy staged for commit";
  f.advice = "Unstage it (git rm -r --cached .ipynb_checkpoints) and add .ipynb_checkpoints/ to .gitignore; "
             "checkpoints duplicate notebooks and configs, secrets included.";
  f.path = std::string(path);
  f.line = f.column = f.end_line = f.end_column = 1;
  f.column_utf16 = f.end_column_utf16 = 1;
  f.fingerprint = fingerprint(f.rule_id, path);
  return f;
}

}  // namespace keyward
