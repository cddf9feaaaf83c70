// SHA-256, for fingerprints (which must not be reversible into the secret) and cache keys.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace keyward {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  std::array<uint8_t, 32> finish();
  static std::string hex(std::string_view data);

 private:
  void block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

std::string to_hex(const uint8_t* p, size_t n);
// HMAC-SHA256 (RFC 2104, 64-byte block): fingerprints and AWS request signing.
std::array<uint8_t, 32> hmac_sha256(std::string_view key, std::string_view message);

}  // namespace keyward
