// What a rule's [rules.verify] / [rules.revoke] data means: the request it makes for one
// secret, and how an answer reads as live / invalid / unknown with a harmless identity.
// Pure functions: no network here (verifier.cc sends, http_client.cc talks to libcurl).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "http.h"
#include "result.h"
#include "rule.h"

namespace keyward {

struct Verdict {
  std::string status;  // "live", "invalid" or "unknown"
  std::vector<std::pair<std::string, std::string>> identity;
  std::string reason;  // why, for unknown and invalid
};

// Where requests go: the rule's own URL, unless the test-only override (an https:// base,
// KEYWARD_TEST_VERIFY_BASE_URL) replaces its scheme, host and port.
struct Endpoint {
  std::string test_base;  // "" in every normal run
};

// The request for one secret (and its pair, for AWS); an error when the secret cannot be
// put into it safely (a line break in a header) or the check has no URL.
Result<HttpRequest> build_request(const HttpCheck& c, const std::string& secret, const std::string& pair,
                                  const Endpoint& where, const std::string& amz_date);

// How the provider's answer reads. secret is passed only to keep it out of identities.
Verdict classify(const HttpCheck& c, const HttpResponse& r, const std::string& secret);

// The host part of an https:// URL ("huggingface.co"), for messages and docs.
std::string url_host(const std::string& url);

}  // namespace keyward
