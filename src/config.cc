#include "config.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include <fmt/format.h>

#include "rule_set.h"

namespace keyward {
namespace {

Status read_strings(const toml::table& t, const char* key, const std::string& where,
                    std::vector<std::string>& out) {
  auto node = t.get(key);
  if (!node) return std::nullopt;
  auto arr = node->as_array();
  if (!arr)
    return Error{fmt::format("{}:{}: '{}' must be an array of strings", where, node->source().begin.line, key)};
  for (auto& el : *arr) {
    auto s = el.value<std::string>();
    if (!s) return Error{fmt::format("{}:{}: '{}' must hold strings only", where, el.source().begin.line, key)};
    out.push_back(*s);
  }
  return std::nullopt;
}

}  // namespace

Result<Config> parse_config(const std::string& text, const std::string& origin) {
  Config cfg;
  cfg.origin = origin;
  toml::table doc;
  try {
    doc = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return Error{fmt::format("{}:{}:{}: invalid TOML: {}", origin, e.source().begin.line, e.source().begin.column,
                             e.description())};
  }
  for (auto& [key, node] : doc) {
    std::string k(key.str());
    if (k != "rules" && k != "rules_config" && k != "allowlist" && k != "rule" && k != "checkpoints" &&
        k != "version")
      return Error{fmt::format("{}:{}: unknown section '{}' (known: allowlist, rules_config, rules, rule, "
                               "checkpoints)", origin, node.source().begin.line, k)};
  }
  if (auto allow = doc["allowlist"].as_table()) {
    if (auto e = read_strings(*allow, "paths", origin, cfg.allow_paths)) return *e;
    if (auto e = read_strings(*allow, "regexes", origin, cfg.allow_regexes)) return *e;
    if (auto e = read_strings(*allow, "fingerprints", origin, cfg.allow_fingerprints)) return *e;
  }
  if (auto rc = doc["rules_config"].as_table()) {
    if (auto e = read_strings(*rc, "disable", origin, cfg.disabled)) return *e;
  }
  if (auto cp = doc["checkpoints"].as_table()) {
    if (auto b = (*cp)["block"].value<bool>()) cfg.block_checkpoints = *b;
  }
  if (auto per = doc["rule"].as_table()) {
    for (auto& [id, node] : *per) {
      auto t = node.as_table();
      if (!t) return Error{fmt::format("{}:{}: [rule.{}] must be a table", origin, node.source().begin.line, id.str())};
      RuleOverride o;
      if (auto e = read_strings(*t, "allow_paths", origin, o.allow_paths)) return *e;
      if (auto v = (*t)["min_entropy"].value<double>()) o.min_entropy = *v;
      o.severity = (*t)["severity"].value_or(std::string());
      cfg.overrides[std::string(id.str())] = o;
    }
  }
  if (doc["rules"]) {
    if (auto e = RuleSet::parse_file(text, origin, cfg.rules)) return *e;
  }
  return cfg;
}

Result<Config> load_config(const std::string& path) {
  // A directory opens as a stream that reads as empty: an unreadable config must never
  // pass for an empty one.
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return Error{fmt::format("cannot read config file '{}': {}", path, std::strerror(errno))};
  if (!S_ISREG(st.st_mode)) return Error{fmt::format("cannot read config file '{}': not a regular file", path)};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("cannot read config file '{}'", path)};
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Error{fmt::format("cannot read config file '{}'", path)};
  return parse_config(ss.str(), path);
}

}  // namespace keyward
