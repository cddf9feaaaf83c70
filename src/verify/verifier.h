// --verify: asks each finding's provider, as its rule's [rules.verify] says, whether the
// credential is live. Each distinct secret is asked once per run, a few requests at a
// time; an answer is never retried (a retry into a rate limit could lock an account out).
#pragma once
#include <string>
#include <vector>

#include "check.h"
#include "finding.h"
#include "http.h"
#include "rule_set.h"

namespace keyward {

struct VerifyOptions {
  int parallel = 4;  // requests in flight at once
  Endpoint endpoint;
};

struct VerifyStats {
  size_t requests = 0;       // sent (each distinct secret once)
  size_t unreachable = 0;    // of which: no answer at all (network, timeout)
  std::string first_error;   // why the first unreachable one failed
};

// Sets verification, verification_identity and verification_reason on every finding.
// transport is null when libcurl could not be loaded: then every finding whose rule could
// be verified is `unknown` with unavailable as the reason, and nothing is sent.
VerifyStats verify_findings(std::vector<Finding>& findings, const RuleSet& rules, const Transport* transport,
                            const VerifyOptions& opts, const std::string& unavailable = "");

}  // namespace keyward
