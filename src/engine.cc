#include "engine.h"

#include <fmt/format.h>

#include "validators.h"

namespace keyward {

Result<std::unique_ptr<Engine>> Engine::create(EngineOptions opts) {
  auto e = std::unique_ptr<Engine>(new Engine());
  e->config_ = std::move(opts.config);
  std::string dir = opts.rules_dir.empty() ? default_rules_dir() : opts.rules_dir;
  auto rules = RuleSet::load_dir(dir);
  if (!rules) return Error{rules.error()};
  e->rules_ = std::move(*rules);
  for (auto& r : e->config_.rules) {
    if (auto err = e->rules_.add(r)) return *err;
  }
  for (auto& r : e->rules_.rules())
    if (!is_known_validator(r.validator))
      return Error{fmt::format("{}: rule {}: unknown validator '{}'", r.origin, r.id, r.validator)};
  e->rules_.disable(e->config_.disabled);
  auto db = HsDatabase::build(e->rules_, opts.cache_dir, &e->note_);
  if (!db) return Error{db.error()};
  e->db_ = std::move(*db);
  e->matcher_ = std::make_unique<Matcher>(e->rules_, e->db_);
  e->scanner_ = std::make_unique<Scanner>(*e->matcher_, e->config_);
  return e;
}

}  // namespace keyward
