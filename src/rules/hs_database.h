// A Hyperscan block-mode database for a set of rules, compiled once and cached (keyed by
// the rules, the Hyperscan version and the CPU target), so that a warm commit never pays
// for compilation. The cache holds the database already deserialized, page-aligned, so a
// warm start maps it and scans it in place: no 3.5 MB allocation, zero-fill and copy.
#pragma once
#include <hs/hs.h>

#include <functional>
#include <memory>
#include <string>

#include "cache_file.h"
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

struct HsBuildOptions {
  // Identifies the rule set already (the rule files' stamp and the checksum of the cached
  // rules): it spares hashing every regex on each start. Empty: the regexes are hashed.
  std::string key_hint;
  // Cache file names: prefix + key + ".hsdb"; files of other keys under the same prefix
  // older than stale_age seconds are removed when a new one is written.
  std::string prefix = "rules-";
  double stale_age = 24 * 3600;
  // Called just before a compile (never on a cache hit), with the number of rules.
  std::function<void(size_t)> before_compile;
};

class HsDatabase {
 public:
  enum class Origin { Compiled, Cache };

  // cache disabled (or null): no caching. A corrupt or stale cache file is rebuilt (a
  // damaged one, caught by the cache file's checksum, with a note); an unwritable cache
  // directory only costs speed (the CacheDir's warning says so). Notes are appended to
  // *note, one per line.
  static Result<HsDatabase> build(const RuleSet& rules, CacheDir* cache, std::string* note = nullptr,
                                  const HsBuildOptions& opts = {});
  // Compiles without any cache; error names the rule Hyperscan rejected.
  static Result<HsDatabase> compile(const RuleSet& rules);

  const hs_database_t* get() const { return db_; }
  Origin origin() const { return origin_; }
  const std::string& cache_path() const { return cache_path_; }
  double compile_seconds() const { return compile_seconds_; }
  // A copy of the scratch allocated when build() had Hyperscan check the database
  // (hs_clone_scratch only reads it), or, once that one is taken, a new one (which checks
  // the database again: a crc32c over all of it).
  Result<HsScratchPtr> make_scratch() const;
  // That scratch itself, to the first caller (null afterwards): a run that scans on one
  // thread allocates no other. Neither this nor make_scratch may run concurrently with
  // it; Matcher's pool, the one caller, holds a lock.
  HsScratchPtr take_scratch() const { return std::move(proto_); }

  // The cache key: hash of the rules' ids and regexes, hs_version() and the platform.
  static std::string cache_key(const RuleSet& rules, const std::string& key_hint = "");

 private:
  HsDatabasePtr owned_;               // compiled in this process
  std::unique_ptr<MappedFile> map_;   // or used in place from the cache file
  const hs_database_t* db_ = nullptr;
  mutable HsScratchPtr proto_;        // allocated for db_ in build/compile; copied, or taken once
  Origin origin_ = Origin::Compiled;
  std::string cache_path_;
  double compile_seconds_ = 0;
};

// The cache directories to use: primary (when not empty) first, then the fallbacks for
// when it cannot be written (the caller's: ~/.cache/keyward, /tmp/keyward-<uid>), then the
// read-only directory an installation fills (`keyward rules --compile --system`).
CacheDir cache_dirs(const std::string& primary, const std::vector<std::string>& fallbacks,
                    const std::string& system_dir);

// Checks one regex alone in Hyperscan (for `keyward rules --test`).
Status hs_check_regex(const std::string& regex);

}  // namespace keyward
