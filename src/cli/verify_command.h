// The network steps of a scan, both opt-in: --verify (ask each finding's provider) and
// `keyward revoke` (revoke the Hugging Face tokens found). Hook modes never reach them
// unless the configuration says [verify] in_hooks = true. docs/verification.md.
#pragma once
#include <ostream>

#include "cli.h"
#include "config.h"
#include "report.h"

namespace keyward {

// Prints the loud warning for the test-only settings, when set (every run that scans).
void warn_test_only_settings(std::ostream& err);

// Whether this run verifies: --verify outside hooks; in a hook only with in_hooks (a
// --verify given to a hook without it is ignored, with a note).
bool verification_wanted(const Options& o, const VerifySettings& s, std::ostream& err);

// Verifies report.findings in place; says once on err what could not be asked and why.
void verify_report(const VerifySettings& s, Report& report, bool quiet, std::ostream& err);

// `keyward revoke` after the scan: list, confirm, revoke, say what happened. The exit status.
int revoke_report(const Options& o, const VerifySettings& s, const Report& report, std::ostream& out,
                  std::ostream& err);

}  // namespace keyward
