#include "fingerprint.h"

#include "sha256.h"

namespace keyward {

std::string fingerprint(std::string_view rule_id, std::string_view secret) {
  // Domain-separated so a fingerprint is not a plain hash of the secret someone could
  // look up; 128 bits are plenty to tell findings apart.
  Sha256 h;
  h.update("keyward-fingerprint-v1");
  h.update(std::string_view("\0", 1));
  h.update(rule_id);
  h.update(std::string_view("\0", 1));
  h.update(secret);
  auto d = h.finish();
  return to_hex(d.data(), 16);
}

}  // namespace keyward
