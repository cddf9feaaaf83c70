// A finding's fingerprint identifies the secret without revealing it: a keyed hash of the
// rule id and the secret, never of commit, path or line, so it survives rebases and moved
// lines. Keyed (HMAC-SHA256) so that whoever reads a report or a baseline cannot test a
// dictionary of likely passwords against it without the key; docs/configuration.md says
// where the key comes from and what each choice protects against.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace keyward {

// The unkeyed v1 form (domain-separated SHA-256) that baselines and allowlists written by
// earlier versions hold; still accepted when matching, never printed for a secret.
std::string legacy_fingerprint(std::string_view rule_id, std::string_view secret);
// HMAC-SHA256(key, rule id, secret), truncated to 128 bits, hex.
std::string keyed_fingerprint(std::string_view key, std::string_view rule_id, std::string_view secret);
// Kept for callers that fingerprint things that are not secrets (checkpoint paths).
inline std::string fingerprint(std::string_view rule_id, std::string_view secret) {
  return legacy_fingerprint(rule_id, secret);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// A fresh random key (64 hex digits, 256 bits from the OS), or "" if the OS has no
// randomness to give.
std::string new_fingerprint_key();
// Why a configured key is unusable, or "" if it is fine (16 to 256 printable ASCII
// characters without spaces).
std::string fingerprint_key_problem(std::string_view key);
// The key used when none is configured: a salt derived from the repository's identity
// (not secret: it only stops dictionaries precomputed for every repository at once).
std::string salt_key(std::string_view repository_identity);

class Fingerprinter {
 public:
  Fingerprinter() = default;  // no key at all: the legacy form (unit tests, defaults)
  // keys[0] is the key in force; the others are only accepted when matching.
  explicit Fingerprinter(std::vector<std::string> keys) : keys_(std::move(keys)) {}
  std::string operator()(std::string_view rule_id, std::string_view secret) const;
  // The other forms a stored fingerprint of this secret may have: with every other known
  // key, and the legacy unkeyed form.
  std::vector<std::string> other_forms(std::string_view rule_id, std::string_view secret) const;

 private:
  std::vector<std::string> keys_;
};

}  // namespace keyward
