// One Hyperscan block-mode database for every rule, compiled once and cached in serialized
// form (keyed by the rules, the Hyperscan version and the CPU target), so that a warm
// commit never pays for compilation.
#pragma once
#include <hs/hs.h>

#include <memory>
#include <string>

#include "result.h"
#include "rule_set.h"

namespace keyward {

struct HsDatabaseDeleter {
  void operator()(hs_database_t* db) const { hs_free_database(db); }
};
struct HsScratchDeleter {
  void operator()(hs_scratch_t* s) const { hs_free_scratch(s); }
};
using HsDatabasePtr = std::unique_ptr<hs_database_t, HsDatabaseDeleter>;
using HsScratchPtr = std::unique_ptr<hs_scratch_t, HsScratchDeleter>;

class HsDatabase {
 public:
  enum class Origin { Compiled, Cache };

  // cache_dir empty: no caching. A corrupt or stale cache file is rebuilt (a damaged one,
  // caught by the cache file's checksum, with a note); an unwritable cache directory only
  // costs speed (note says so). Notes are appended to *note, one per line.
  // key_hint, when given, identifies the rule set already (the rule files' stamp, the
  // checksum of the cached rules and the config's additions): it spares hashing every
  // regex on each start.
  static Result<HsDatabase> build(const RuleSet& rules, const std::string& cache_dir,
                                  std::string* note = nullptr, const std::string& key_hint = "");
  // Compiles without any cache; error names the rule Hyperscan rejected.
  static Result<HsDatabase> compile(const RuleSet& rules);

  hs_database_t* get() const { return db_.get(); }
  Origin origin() const { return origin_; }
  const std::string& cache_path() const { return cache_path_; }
  Result<HsScratchPtr> make_scratch() const;

  // The cache key: hash of the rules' ids and regexes, hs_version() and the platform.
  static std::string cache_key(const RuleSet& rules, const std::string& key_hint = "");

 private:
  HsDatabasePtr db_;
  Origin origin_ = Origin::Compiled;
  std::string cache_path_;
};

// Checks one regex alone in Hyperscan (for `keyward rules --test`).
Status hs_check_regex(const std::string& regex);

}  // namespace keyward
