// AWS Signature Version 4, for the one request --verify sends to AWS (STS
// GetCallerIdentity): a request is signed with the secret key, which itself never leaves
// the machine. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "http.h"

namespace keyward {

std::array<uint8_t, 32> hmac_sha256_bytes(std::string_view key, std::string_view message);

struct SigV4Key {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region, service;
};

// The derived signing key for a date (YYYYMMDD).
std::array<uint8_t, 32> sigv4_signing_key(const SigV4Key& k, const std::string& date);

// Adds Host, X-Amz-Date (amz_date: YYYYMMDD'T'HHMMSS'Z') and Authorization to req, signing
// the method, path, query, the headers present (all of them are signed) and the body.
void sigv4_sign(HttpRequest& req, const SigV4Key& k, const std::string& amz_date);

// The current time as SigV4 wants it.
std::string amz_date_now();

}  // namespace keyward
