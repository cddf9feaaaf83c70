#include "pyc_duplicates.h"

#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace keyward {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "dir/" (possibly "") and the module's name for a source file; empty name if not one.
std::pair<std::string_view, std::string_view> source_module(std::string_view path) {
  if (!ends_with(path, ".py")) return {};
  size_t slash = path.rfind('/');
  size_t b = slash == std::string_view::npos ? 0 : slash + 1;
  return {path.substr(0, b), path.substr(b, path.size() - 3 - b)};
}

// The same for bytecode: dir/__pycache__/NAME.TAG.pyc and Python 2's dir/NAME.pyc (.pyo
// too) belong to dir/NAME.py.
std::pair<std::string_view, std::string_view> bytecode_module(std::string_view path) {
  if (!ends_with(path, ".pyc") && !ends_with(path, ".pyo")) return {};
  size_t slash = path.rfind('/');
  size_t b = slash == std::string_view::npos ? 0 : slash + 1;
  std::string_view dir = path.substr(0, b), file = path.substr(b);
  std::string_view name = file.substr(0, file.find('.'));  // a module name holds no dot
  constexpr std::string_view kCache = "__pycache__/";
  if (ends_with(dir, kCache)) {
    dir.remove_suffix(kCache.size());
  } else if (file.size() != name.size() + 4) {
    return {};  // NAME.TAG.pyc outside __pycache__ is no layout Python writes
  }
  return {dir, name};
}

}  // namespace

void merge_pyc_duplicates(std::vector<Finding>& findings) {
  // (dir, module, secret) -> the source finding.
  std::map<std::tuple<std::string_view, std::string_view, std::string_view>, size_t> sources;
  for (size_t i = 0; i < findings.size(); ++i) {
    auto [dir, name] = source_module(findings[i].path);
    if (!name.empty()) sources.emplace(std::make_tuple(dir, name, std::string_view(findings[i].secret)), i);
  }
  if (sources.empty()) return;
  std::vector<bool> merged(findings.size(), false);
  for (size_t i = 0; i < findings.size(); ++i) {
    auto [dir, name] = bytecode_module(findings[i].path);
    if (name.empty()) continue;
    auto it = sources.find(std::make_tuple(dir, name, std::string_view(findings[i].secret)));
    if (it == sources.end()) continue;
    Finding& src = findings[it->second];
    Finding& pyc = findings[i];
    src.places.push_back(Place{pyc.commit, pyc.path, pyc.line});
    for (auto& p : pyc.places) src.places.push_back(p);
    merged[i] = true;
  }
  size_t k = 0;
  for (size_t i = 0; i < findings.size(); ++i) {
    if (merged[i]) continue;
    if (k != i) findings[k] = std::move(findings[i]);
    ++k;
  }
  findings.resize(k);
}

}  // namespace keyward
