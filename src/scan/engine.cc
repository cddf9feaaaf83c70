#include "engine.h"

#include <cstdint>
#include <cstring>
#include <unordered_map>

#include <fmt/format.h>

#include "cache_file.h"
#include "rule_cache.h"
#include "sha256.h"
#include "validators.h"

namespace keyward {

namespace {

// The rule files and the vocabulary, parsed.
Result<RuleSet> parse_rules(const std::string& dir) {
  auto set = RuleSet::load_dir(dir);
  if (!set) return set;
  auto vocabulary = load_vocabulary(dir);
  if (!vocabulary) return Error{vocabulary.error()};
  set->set_vocabulary(std::move(*vocabulary));
  return set;
}

// Parsed rules and the vocabulary come from the cache when their files are unchanged; a
// missing, stale or corrupt cache falls back to parsing (and refreshes it when it can).
// *key_out identifies the rules actually loaded: the rule files' stamp and the checksum of
// their serialization, so the Hyperscan database is never one compiled from other rules
// (and a vocabulary edit, which renames the rules cache, does not recompile it).
// With examples (which the cache does not hold) the files are parsed, but the key is the
// same, so the pattern database still comes from the cache.
Result<RuleSet> load_rules(const std::string& dir, CacheDir& cache, std::string* key_out, std::string* note,
                           bool with_examples) {
  if (!cache.enabled()) return parse_rules(dir);
  auto stamp = rules_dir_stamp(dir);
  if (!stamp) return parse_rules(dir);
  Sha256 h;
  h.update(*stamp);
  h.update("\n");
  h.update(vocabulary_stamp(dir));
  h.update("\nsum8");  // the file starts with the rules' checksum (below)
  auto digest = h.finish();
  std::string name = "rules-" + to_hex(digest.data(), 16) + ".bin";
  std::string path;
  MappedFile file;
  if (!with_examples && cache.open(name, file, &path)) {
    // The file: the rules part's checksum (the database key's, stored so that a warm start
    // need not compute it: the file's own checksum covers it), then the rule cache.
    auto content = checked_content(file.bytes());
    uint64_t rules_sum = 0;
    if (content && content->size() >= sizeof rules_sum) {
      std::memcpy(&rules_sum, content->data(), sizeof rules_sum);
      content = content->substr(sizeof rules_sum);
    } else {
      content.reset();
    }
    std::vector<CachedRuleRef> cached;
    std::string_view rules_part, vocabulary;
    if (content && index_rule_cache(*content, cached, &rules_part, &vocabulary) && !cached.empty()) {
      // Rules and vocabulary are decoded from the map when first needed (a clean commit
      // needs neither); moving the map keeps its address.
      auto map = std::make_shared<MappedFile>(std::move(file));
      RuleSet set;
      if (!set.add_cached(rules_part, std::move(cached), map)) {
        *key_out = fmt::format("{}|{:016x}", *stamp, rules_sum);
        set.set_vocabulary_bytes(vocabulary, map);
        return set;
      }
    }
    if (!note->empty()) *note += '\n';
    *note += fmt::format("the rule cache '{}' is damaged (checksum or format mismatch); the rules were "
                         "parsed again", path);
  }
  auto parsed = parse_rules(dir);
  if (!parsed) return parsed;
  std::vector<Rule> all;  // a cold start only
  all.reserve(parsed->size());
  for (size_t i = 0; i < parsed->size(); ++i) all.push_back((*parsed)[i]);
  std::string ser = serialize_rules(all);
  uint64_t rules_sum = cache_checksum(ser);
  *key_out = fmt::format("{}|{:016x}", *stamp, rules_sum);
  if (with_examples) return parsed;
  ser += serialize_vocabulary(parsed->vocabulary());
  std::string header(reinterpret_cast<const char*>(&rules_sum), sizeof rules_sum);
  if (std::string written = cache.write(name, header, ser.data(), ser.size()); !written.empty())
    cache.remove_stale("rules-", ".bin", written);
  return parsed;
}

void add_note(std::string& note, const std::string& line) {
  if (!note.empty()) note += '\n';
  note += line;
}

}  // namespace

Result<std::unique_ptr<Engine>> Engine::create(EngineOptions opts) {
  auto e = std::unique_ptr<Engine>(new Engine());
  e->config_ = std::move(opts.config);
  std::string dir = opts.rules_dir.empty() ? default_rules_dir() : opts.rules_dir;
  CacheDir cache = opts.cache_fallbacks || opts.cache_dir.empty()
                       ? cache_dirs(opts.cache_dir, opts.cache_fallback_dirs, opts.system_cache_dir)
                       : CacheDir({opts.cache_dir}, {});
  std::string rules_key;
  auto rules = load_rules(dir, cache, &rules_key, &e->note_, opts.rules_with_examples);
  if (!rules) return Error{rules.error()};
  e->rules_ = std::move(*rules);

  // The default rules' database is keyed by those rules alone: whatever .keyward.toml adds
  // or disables, a warm start finds it, and a config change recompiles only the config's
  // own (small) database.
  auto announce = [&](bool from_config) {
    return [&opts, from_config](size_t n) {
      if (opts.before_compile) opts.before_compile(n, from_config);
    };
  };
  auto compiled_note = [&](const HsDatabase& db, size_t n, const char* what) {
    if (db.origin() != HsDatabase::Origin::Compiled) return;
    add_note(e->note_, fmt::format("compiled {} {} rule{} in {:.2f} s{}", n, what, n == 1 ? "" : "s",
                                   db.compile_seconds(),
                                   db.cache_path().empty() ? std::string(" (not cached)")
                                                           : fmt::format(" (cached as '{}')", db.cache_path())));
  };
  // Rules are looked at through ids and validator names here: a cached rule is decoded
  // only when a scan first needs it.
  const size_t n_default = e->rules_.size();
  std::vector<std::string> default_ids;
  if (!e->config_.disabled.empty()) {
    default_ids.reserve(n_default);
    for (size_t i = 0; i < n_default; ++i) default_ids.emplace_back(e->rules_.id(i));
  }
  {
    HsBuildOptions bo;
    bo.key_hint = rules_key;
    bo.before_compile = announce(false);
    auto db = HsDatabase::build(e->rules_, &cache, &e->note_, bo);
    if (!db) return Error{db.error()};
    e->db_ = std::move(*db);
    compiled_note(e->db_, e->rules_.size(), "default");
  }

  RuleSet user;
  for (auto& r : e->config_.rules) {
    // A migrated gitleaks rule whose id keyward already has: keyward's own rule stays.
    if (e->config_.migrated && e->rules_.find(r.id)) {
      e->config_.notes.push_back(fmt::format("{}: rule '{}' was not added: keyward has its own rule of that id",
                                             r.origin, r.id));
      continue;
    }
    if (auto err = e->rules_.add(r)) return *err;
    if (auto err = user.add(r)) return *err;
  }
  if (!e->config_.rule_refs.empty()) {
    std::vector<std::string> ids{"ipynb-checkpoint"};  // for "did you mean" on a mistyped id
    for (size_t i = 0; i < e->rules_.size(); ++i) ids.emplace_back(e->rules_.id(i));
    if (auto err = check_rule_ids(e->config_, [&](const std::string& id) { return e->rules_.find(id) != nullptr; },
                                  ids))
      return *err;
  }
  for (size_t i = 0; i < e->rules_.size(); ++i)
    if (!is_known_validator(std::string(e->rules_.validator(i)))) {
      const Rule& r = e->rules_[i];
      return Error{fmt::format("{}: rule {}: unknown validator '{}'", r.origin, r.id, r.validator)};
    }
  e->rules_.disable(e->config_.disabled);

  if (user.size() > 0) {
    HsBuildOptions bo;
    // Keyed by the config rules' ids and regexes; one per repository configuration, so
    // they live longer than a day before another configuration's compile removes them.
    bo.prefix = "user-rules-";
    bo.stale_age = 30 * 24 * 3600;
    bo.before_compile = announce(true);
    auto db = HsDatabase::build(user, &cache, &e->note_, bo);
    if (!db) return Error{db.error()};
    e->user_db_ = std::move(*db);
    compiled_note(e->user_db_, user.size(), "configuration");
  }

  std::vector<MatcherPart> parts;
  if (e->config_.disabled.empty()) {
    // Nothing disabled (the common case): the default rules keep their indexes and the
    // config's follow them, so no lookup is needed.
    parts.push_back({&e->db_, {}});
    if (user.size() > 0) {
      std::vector<int32_t> of(user.size());
      for (size_t j = 0; j < of.size(); ++j) of[j] = static_cast<int32_t>(n_default + j);
      parts.push_back({&e->user_db_, std::move(of)});
    }
  } else {
    // Pattern ids of each database to indexes in the final rule set (-1: disabled).
    std::unordered_map<std::string_view, int32_t> index;
    for (size_t i = 0; i < e->rules_.size(); ++i) index.emplace(e->rules_.id(i), static_cast<int32_t>(i));
    auto ids_of = [&](const std::vector<std::string>& ids) {
      std::vector<int32_t> out;
      for (auto& id : ids) {
        auto it = index.find(id);
        out.push_back(it == index.end() ? -1 : it->second);
      }
      return out;
    };
    std::vector<std::string> user_ids;
    for (size_t i = 0; i < user.size(); ++i) user_ids.emplace_back(user.id(i));
    parts.push_back({&e->db_, ids_of(default_ids)});
    if (user.size() > 0) parts.push_back({&e->user_db_, ids_of(user_ids)});
  }
  if (std::string w = cache.take_warning(); !w.empty()) {
    if (opts.warn)
      opts.warn(w);
    else
      add_note(e->note_, w);
  }
  e->matcher_ = std::make_unique<Matcher>(e->rules_, std::move(parts));
  e->scanner_ = std::make_unique<Scanner>(*e->matcher_, e->config_);
  return e;
}

}  // namespace keyward
