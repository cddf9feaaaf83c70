// A finding is a plain value passed along the pipeline, from the scanner to the reporters.
// It holds the raw secret; only reporters decide how (masked) it is shown.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace keyward {

// Another place where the same secret lives (history mode groups them under one finding).
struct Place {
  std::string commit;
  std::string path;
  uint32_t line = 0;
};

struct Finding {
  std::string rule_id;
  // "high", "medium" or "low": the rule's, unless .keyward.toml's [rule."id"] says otherwise.
  std::string severity = "high";
  std::string description;
  std::string advice;
  std::string path;
  std::string secret;  // raw; never printed unless --show-secrets
  size_t offset = 0, end_offset = 0;  // secret's byte span in the original blob
  uint32_t line = 0, column = 0, end_line = 0, end_column = 0;  // 1-based, byte columns
  uint32_t column_utf16 = 0, end_column_utf16 = 0;              // for SARIF
  // Bounded excerpt of the source line around the secret, for the text diagnostic.
  std::string context;
  size_t context_secret_begin = 0, context_secret_end = 0;
  // Other byte spans of context to mask as well: other findings of the blob and candidates
  // that were filtered out (a line holding one secret likely holds another). May overlap.
  std::vector<std::pair<size_t, size_t>> context_masks;
  std::string fingerprint;  // with the key in force
  // Other forms a baseline or allowlist entry for this secret may have (other known keys,
  // the legacy unkeyed form): matched, never printed.
  std::vector<std::string> fingerprint_forms;
  std::string commit;  // history / range modes: the commit that introduced it
  std::string author, date;
  // History: "" when some place is reachable from a ref; else "stash", "reflog" (only from
  // reflogs: reset, rebased or deleted away) or "dangling" (from nothing, --all-objects).
  std::string reachable;
  int cell = 0;       // notebook cell number (1-based), 0 if not in a notebook
  int cell_line = 0;  // line inside that cell (or inside that cell's output)
  bool cell_output = false;  // found in what the cell printed, not in its source
  bool cell_attachment = false;  // found in a file attached to the cell (markdown images)
  std::string decoded;     // "" or how the secret was decoded: "json-escape", "base64", ...
  std::string validation;  // "" or "checksum" / "structure": confirmed without network
  std::vector<Place> places;  // other commits/paths carrying the same secret
  // "" when the secret is in the content; "file name" or "ref name" when it is in the name
  // itself: then `path` is that name (line 1 of it), and every report masks it (PathMasker).
  std::string in_name;
  // The secret's other half when its rule captures one (an AWS access key id next to its
  // secret key), for --verify. Raw like secret; never printed.
  std::string pair;
  // --verify: "live", "invalid" or "unknown" ("" = not asked); what the provider says the
  // credential belongs to (harmless fields only: a user name, a role, an account id); and,
  // for unknown or invalid, why.
  std::string verification;
  std::vector<std::pair<std::string, std::string>> verification_identity;
  std::string verification_reason;
};

// The findings of one blob, the one result type every scan hands back: `job` is the
// source's tag for the blob (an index into its own list of blobs, files or names).
struct BlobFindings {
  size_t job = 0;
  std::vector<Finding> findings;
};

}  // namespace keyward
