// The loaded engine: configuration, rules, the Hyperscan database, the matcher and the
// scanner, built once per process from the options.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config.h"
#include "hs_database.h"
#include "matcher.h"
#include "result.h"
#include "rule_set.h"
#include "scanner.h"

namespace keyward {

struct EngineOptions {
  std::string rules_dir;    // "" = default_rules_dir()
  std::string cache_dir;    // "" = no cache; else the primary of cache_dirs()
  bool cache_fallbacks = true;  // false: cache_dir only (writing the system-wide cache)
  // Where to fall back when cache_dir cannot be written, and the read-only cache an
  // installation fills: the cli's Environment gives both.
  std::vector<std::string> cache_fallback_dirs;
  // Rules with their examples, references and the rest the scan does not need (rules --test,
  // one rule shown whole, the JSON list): parsed from the files, the database still cached.
  bool rules_with_examples = false;
  std::string system_cache_dir;
  Config config;
  // Told before a pattern database is compiled (not on a cache hit): how many rules, and
  // whether they are the configuration's own (a small database of their own).
  std::function<void(size_t rules, bool from_config)> before_compile;
  // Told once when the cache could not be written where it should (see CacheDir); without
  // it the warning joins note().
  std::function<void(const std::string&)> warn;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> create(EngineOptions opts);
  // The matcher and scanner hold references into config_, rules_ and db_: moving or
  // copying an engine would leave them pointing at the old one.
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  Engine(Engine&&) = delete;
  Engine& operator=(Engine&&) = delete;
  const RuleSet& rules() const { return rules_; }
  const Config& config() const { return config_; }
  const Matcher& matcher() const { return *matcher_; }
  const Scanner& scanner() const { return *scanner_; }
  const HsDatabase& database() const { return db_; }
  const std::string& note() const { return note_; }  // for --verbose, one note per line

 private:
  Engine() = default;  // only create() makes one
  Config config_;
  RuleSet rules_;
  HsDatabase db_;       // the default rules, all of them (disabled ones are skipped by id)
  HsDatabase user_db_;  // the configuration's rules, when it has any
  std::unique_ptr<Matcher> matcher_;
  std::unique_ptr<Scanner> scanner_;
  std::string note_;
};

}  // namespace keyward
