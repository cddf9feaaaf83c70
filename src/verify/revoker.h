// `keyward revoke`: sends a rule's [rules.revoke] request for one secret (Hugging Face's
// public leaked-token endpoint) and says what the provider answered.
#pragma once
#include <string>

#include "check.h"
#include "http.h"
#include "rule.h"

namespace keyward {

struct RevokeOutcome {
  bool requested = false;  // the provider accepted the request
  std::string detail;      // what happened, in words
};

RevokeOutcome revoke_secret(const HttpCheck& c, const std::string& secret, const Transport& transport,
                            const Endpoint& where);

}  // namespace keyward
