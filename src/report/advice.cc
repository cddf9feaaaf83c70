#include "advice.h"

#include <string_view>

namespace keyward {
namespace {

constexpr std::string_view kDefault =
    "Revoke this credential at the provider (it is compromised once committed anywhere), then read it from an "
    "environment variable or a secret manager instead of the file.";

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The first clause of a rule's advice when it says how to revoke ("Revoke this token at
// https://..."), without what follows about reading it from the environment: that part
// does not apply to a secret a cell printed.
std::string revoke_clause(std::string_view advice) {
  if (advice.rfind("Revoke", 0) == 0 || advice.rfind("Rotate", 0) == 0 || advice.rfind("Delete", 0) == 0) {
    size_t cut = std::string_view::npos;
    for (std::string_view sep : {", then ", ", read ", " and read ", "; ", ". "})
      cut = std::min(cut, advice.find(sep));
    if (cut != std::string_view::npos) return std::string(advice.substr(0, cut));
  }
  return "Revoke this credential at the provider";
}

}  // namespace

std::string shell_quoted(const std::string& path) {
  bool plain = !path.empty() && path.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/+") ==
                                    std::string::npos;
  if (plain) return path;
  std::string out = "'";
  for (char c : path) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string checkpoint_folder(const std::string& path) {
  constexpr std::string_view kDir = ".ipynb_checkpoints";
  for (size_t at = path.find(kDir); at != std::string::npos; at = path.find(kDir, at + 1)) {
    size_t end = at + kDir.size();
    if ((at == 0 || path[at - 1] == '/') && end < path.size() && path[end] == '/') return path.substr(0, end);
  }
  return "";
}

bool inline_allow_possible(const Finding& f) {
  if (!f.in_name.empty() || f.cell_output || f.cell_attachment) return false;
  if (f.decoded == "pickle" || f.decoded == "gzip" || f.decoded == "zip" || f.decoded == "utf-16" ||
      f.decoded == "utf-32")
    return false;
  // A notebook's source is JSON too, but a comment fits in the code of a cell.
  if (ends_with(f.path, ".ipynb")) return f.cell > 0;
  for (std::string_view ext : {".json", ".jsonl", ".ndjson", ".geojson", ".har", ".pkl", ".pickle", ".pt", ".pth",
                               ".bin", ".gz", ".zip"})
    if (ends_with(f.path, ext)) return false;
  return true;
}

std::string advice_for(const Finding& f, const std::string& mode) {
  if (f.rule_id == "ipynb-checkpoint") return f.advice.empty() ? std::string(kDefault) : f.advice;
  std::string advice = f.advice.empty() ? std::string(kDefault) : f.advice;
  if (f.cell_output) {
    std::string nb = shell_quoted(f.path);
    advice = revoke_clause(advice) +
             ": a cell printed it, so it is saved in the notebook's outputs. Clear them before committing "
             "(jupyter nbconvert --clear-output --inplace " + nb + ", or nbstripout " + nb +
             "; 'nbstripout --install' clears outputs on every commit from then on) and stop printing the secret.";
  }
  std::string folder = checkpoint_folder(f.path);
  if (!folder.empty()) {
    if (mode == "disk")
      advice += " It is in a Jupyter checkpoint copy: delete " + shell_quoted(folder) +
                " (or leave it out of what you upload) and add .ipynb_checkpoints/ to .gitignore.";
    else
      advice += " It is in a Jupyter checkpoint copy: remove the folder from git (git rm -r --cached " +
                shell_quoted(folder) + ") and add .ipynb_checkpoints/ to .gitignore (that line matches it at any depth).";
  }
  return advice;
}

}  // namespace keyward
