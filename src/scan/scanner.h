// The per-blob pipeline: decode -> match -> filter -> locate. Sources hand it bytes and a
// path; it hands back findings. It knows nothing of where the bytes came from.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config.h"
#include "decoders.h"
#include "finding.h"
#include "fingerprint.h"
#include "matcher.h"
#include "result.h"

namespace re2 {
class RE2;
}

namespace keyward {

class Scanner {
 public:
  Scanner(const Matcher& matcher, const Config& config);
  ~Scanner();

  // Findings in one blob, sorted by position. Thread-safe given one scratch per thread.
  // Without apply_path_policy the path allowlists are left to the caller (dropped_at): a
  // history blob that lives at several paths is scanned once and judged at each place.
  Result<std::vector<Finding>> scan(std::string_view path, std::string_view data, MatchScratch& scratch,
                                    BlobFacts* facts = nullptr, bool apply_path_policy = true) const;

  // True if the config allowlists this path for every rule.
  bool path_allowed(std::string_view path) const;
  // True if a path allowlist (global, or the finding's rule's own) drops `f` at `path`.
  bool dropped_at(const Finding& f, std::string_view path) const;
  const Matcher& matcher() const { return matcher_; }
  const Config& config() const { return config_; }

 private:
  bool keep(const Rule& rule, std::string_view path, std::string_view secret, std::string* validation,
            bool apply_path_policy) const;
  bool rule_path_allowed(const std::string& rule_id, std::string_view path) const;
  const Matcher& matcher_;
  const Config& config_;
  std::vector<std::unique_ptr<re2::RE2>> allow_regexes_;
  AllowMatcher allow_;  // path regexes and per-rule regex allowlists
  Fingerprinter fingerprints_;
};

// Fills line/column/context fields of findings whose offset/end_offset are set. masks are
// byte spans of data (other secrets, filtered candidates) to mask in every excerpt too.
void locate(std::string_view data, std::vector<Finding>& findings,
            std::vector<std::pair<size_t, size_t>> masks = {});

// Line numbers are 1-based; a line is the bytes up to '\n' (a trailing '\r' is not shown).
std::string_view line_at(std::string_view data, size_t offset, size_t* line_begin = nullptr);

}  // namespace keyward
