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
#include "policy.h"
#include "result.h"

namespace keyward {

class Scanner {
 public:
  Scanner(const Matcher& matcher, const Config& config);
  ~Scanner();

  // Findings in one blob, sorted by position. Thread-safe given one scratch per thread.
  // Without apply_path_policy the path allowlists are left to the caller (dropped_at): a
  // history blob that lives at several paths is scanned once and judged at each place.
  // policy_path, when given, is the normalised path the path allowlists judge (a disk scan
  // reports `./sub/x` but judges `sub/x` relative to the repository root); `path` is what
  // findings show and what decoders go by.
  Result<std::vector<Finding>> scan(std::string_view path, std::string_view data, MatchScratch& scratch,
                                    BlobFacts* facts = nullptr, bool apply_path_policy = true,
                                    std::string_view policy_path = {}) const;

  // Every decision after a match (policy.h); sources ask it per place.
  const Policy& policy() const { return policy_; }
  const Matcher& matcher() const { return matcher_; }
  const Config& config() const { return config_; }

 private:
  void apply_allow_markers(std::string_view data, std::vector<Finding>& out,
                           const std::vector<std::pair<size_t, size_t>>& spans) const;
  const Matcher& matcher_;
  const Config& config_;
  Policy policy_;
};

// Fills line/column/context fields of findings whose offset/end_offset are set. masks are
// byte spans of data (other secrets, filtered candidates) to mask in every excerpt too.
void locate(std::string_view data, std::vector<Finding>& findings,
            std::vector<std::pair<size_t, size_t>> masks = {});

// Line numbers are 1-based; a line is the bytes up to '\n' (a trailing '\r' is not shown).
std::string_view line_at(std::string_view data, size_t offset, size_t* line_begin = nullptr);

}  // namespace keyward
