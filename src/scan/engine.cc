#include "engine.h"

#include <fmt/format.h>

#include "cache_file.h"
#include "rule_cache.h"
#include "validators.h"

namespace keyward {

namespace {

// Parsed rules come from the cache when the rule files are unchanged; a missing, stale or
// corrupt cache falls back to parsing (and refreshes it when it can). *key_out identifies
// the rules actually loaded: the rule files' stamp and the checksum of their serialization,
// so the Hyperscan database is never one compiled from other rules.
Result<RuleSet> load_rules(const std::string& dir, const std::string& cache_dir, std::string* key_out,
                           std::string* note) {
  if (cache_dir.empty()) return RuleSet::load_dir(dir);
  auto stamp = rules_dir_stamp(dir);
  if (!stamp) return RuleSet::load_dir(dir);
  std::string path = cache_dir + "/rules-" + *stamp + ".bin";
  MappedFile file;
  if (file.open(path)) {
    auto content = checked_content(file.bytes());
    std::vector<Rule> cached;
    if (content && deserialize_rules(*content, cached) && !cached.empty()) {
      RuleSet set;
      bool ok = true;
      for (auto& r : cached) ok = ok && !set.add(std::move(r));
      if (ok) {
        *key_out = fmt::format("{}|{:08x}", *stamp, cache_checksum(*content));
        return set;
      }
    }
    if (!note->empty()) *note += '\n';
    *note += fmt::format("the rule cache '{}' is damaged (checksum or format mismatch); the rules were "
                         "parsed again", path);
  }
  auto parsed = RuleSet::load_dir(dir);
  if (!parsed) return parsed;
  std::string ser = serialize_rules(parsed->rules());
  *key_out = fmt::format("{}|{:08x}", *stamp, cache_checksum(ser));
  if (make_dirs(cache_dir) && write_file_atomically(path, "", ser.data(), ser.size()))
    remove_stale(cache_dir, "rules-", ".bin", path);
  return parsed;
}

}  // namespace

Result<std::unique_ptr<Engine>> Engine::create(EngineOptions opts) {
  auto e = std::unique_ptr<Engine>(new Engine());
  e->config_ = std::move(opts.config);
  std::string dir = opts.rules_dir.empty() ? default_rules_dir() : opts.rules_dir;
  std::string rules_key;
  auto rules = load_rules(dir, opts.cache_dir, &rules_key, &e->note_);
  if (!rules) return Error{rules.error()};
  e->rules_ = std::move(*rules);
  auto vocabulary = load_vocabulary(dir);
  if (!vocabulary) return Error{vocabulary.error()};
  e->rules_.set_vocabulary(std::move(*vocabulary));
  for (auto& r : e->config_.rules) {
    // A migrated gitleaks rule whose id keyward already has: keyward's own rule stays.
    if (e->config_.migrated && e->rules_.find(r.id)) {
      e->config_.notes.push_back(fmt::format("{}: rule '{}' was not added: keyward has its own rule of that id",
                                             r.origin, r.id));
      continue;
    }
    if (auto err = e->rules_.add(r)) return *err;
  }
  std::vector<std::string> ids{"ipynb-checkpoint"};  // for "did you mean" on a mistyped id
  for (auto& r : e->rules_.rules()) ids.push_back(r.id);
  if (auto err = check_rule_ids(e->config_, [&](const std::string& id) { return e->rules_.find(id) != nullptr; },
                                ids))
    return *err;
  for (auto& r : e->rules_.rules())
    if (!is_known_validator(r.validator))
      return Error{fmt::format("{}: rule {}: unknown validator '{}'", r.origin, r.id, r.validator)};
  e->rules_.disable(e->config_.disabled);
  // The database is identified by the loaded rules' key plus what the config adds or removes.
  std::string hint;
  if (!rules_key.empty()) {
    hint = rules_key;
    for (auto& r : e->config_.rules) hint += "|" + r.id + "\x1f" + r.regex;
    for (auto& d : e->config_.disabled) hint += "|-" + d;
  }
  auto db = HsDatabase::build(e->rules_, opts.cache_dir, &e->note_, hint);
  if (!db) return Error{db.error()};
  e->db_ = std::move(*db);
  e->matcher_ = std::make_unique<Matcher>(e->rules_, e->db_);
  e->scanner_ = std::make_unique<Scanner>(*e->matcher_, e->config_);
  return e;
}

}  // namespace keyward
