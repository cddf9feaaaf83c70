#include "verify_command.h"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

#include <fmt/format.h>

#include "check.h"
#include "curl_library.h"
#include "http_client.h"
#include "revoker.h"
#include "rule_set.h"
#include "verifier.h"

namespace keyward {
namespace {

// The only way to send verification requests anywhere but each provider's own host: a
// test-only setting, announced on every run so it cannot be left on unnoticed.
std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

Endpoint test_endpoint() {
  Endpoint e;
  e.test_base = env("KEYWARD_TEST_VERIFY_BASE_URL");
  while (!e.test_base.empty() && e.test_base.back() == '/') e.test_base.pop_back();
  return e;
}

HttpOptions http_options(const VerifySettings& s) {
  HttpOptions h;
  h.timeout_ms = std::max(1L, static_cast<long>(std::lround(s.timeout * 1000)));
  h.ca_bundle = env("KEYWARD_TEST_CA_BUNDLE");
  return h;
}

}  // namespace

void warn_test_only_settings(std::ostream& err) {
  for (const char* name : {"KEYWARD_TEST_VERIFY_BASE_URL", "KEYWARD_TEST_CA_BUNDLE"}) {
    std::string v = env(name);
    if (!v.empty())
      err << fmt::format("keyward: WARNING: {} is set (to '{}'): a TEST-ONLY setting. Verification and revocation "
                         "requests do not go to the providers' own hosts and TLS trusts that bundle. Unset it.\n",
                         name, v);
  }
}

bool verification_wanted(const Options& o, const VerifySettings& s, std::ostream& err) {
  if (o.hook.empty()) return o.verify;
  if (s.in_hooks) return true;
  if (o.verify && !o.quiet)
    err << "keyward: note: --verify is ignored in hook mode (hooks never use the network unless the configuration "
           "says [verify] in_hooks = true)\n";
  return false;
}

void verify_report(const VerifySettings& s, Report& report, bool quiet, std::ostream& err) {
  if (report.findings.empty() || !report.rules) return;
  VerifyOptions vo;
  vo.parallel = s.parallel;
  vo.endpoint = test_endpoint();
  auto curl = CurlLibrary::load();
  if (!curl) {
    // Said once; every finding is then `unknown` with the same reason.
    err << "keyward: verification is not available: " << curl.error() << "; findings are reported as unknown\n";
    verify_findings(report.findings, *report.rules, nullptr, vo, "verification is not available (no libcurl)");
    return;
  }
  HttpClient client(**curl, http_options(s));
  Transport t = client.transport();
  VerifyStats st = verify_findings(report.findings, *report.rules, &t, vo);
  if (st.unreachable > 0)
    err << fmt::format("keyward: verification: {} of {} request{} got no answer ({}{}); those findings are reported "
                       "as unknown\n",
                       st.unreachable, st.requests, st.requests == 1 ? "" : "s", st.first_error,
                       st.unreachable > 1 ? ", first of them" : "");
  else if (!quiet && st.requests > 0)
    err << fmt::format("keyward: verification: {} request{} sent (one per distinct secret)\n", st.requests,
                       st.requests == 1 ? "" : "s");
}

int revoke_report(const Options& o, const VerifySettings& s, const Report& report, std::ostream& out,
                  std::ostream& err) {
  ReportOptions ro;
  ro.show_secrets = o.show_secrets;
  // The tokens keyward can revoke, each once; every other finding gets its rule's advice.
  std::vector<const Finding*> revocable, manual;
  std::map<std::string, const Finding*> seen;
  for (const Finding& f : report.findings) {
    const Rule* r = report.rules ? report.rules->find(f.rule_id) : nullptr;
    if (f.secret.empty()) continue;
    if (r && !r->revoke.empty()) {
      if (seen.emplace(f.secret, &f).second) revocable.push_back(&f);
    } else {
      manual.push_back(&f);
    }
  }
  auto where = [&](const Finding& f) { return fmt::format("{}:{}", shown_text(f.path, report, ro), f.line); };
  if (!manual.empty()) {
    out << "keyward cannot revoke these; do it at the provider:\n";
    for (const Finding* f : manual)
      out << fmt::format("  {} {} ({}): {}\n", f->rule_id, shown_secret(*f, ro), where(*f),
                         f->advice.empty() ? "revoke it at the provider" : f->advice);
  }
  if (revocable.empty()) {
    out << "keyward: no Hugging Face token found to revoke\n";
    return manual.empty() ? 0 : 1;
  }
  out << fmt::format("Hugging Face token{} found ({}):\n", revocable.size() == 1 ? "" : "s", revocable.size());
  for (const Finding* f : revocable) out << fmt::format("  {} ({})\n", shown_secret(*f, ro), where(*f));
  out.flush();
  if (!o.yes) {
    if (!::isatty(0)) {
      err << "keyward: error: standard input is not a terminal, so keyward cannot ask: pass --yes to revoke "
             "without asking\n";
      return 2;
    }
    err << fmt::format("Revoke {} now? It stops working everywhere and its owner is told by email. [y/N] ",
                       revocable.size() == 1 ? "this token" : fmt::format("these {} tokens", revocable.size()));
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "Y" && answer != "yes") {
      err << "keyward: nothing was revoked\n";
      return 1;
    }
  }
  auto curl = CurlLibrary::load();
  if (!curl) {
    err << "keyward: error: cannot revoke: " << curl.error() << '\n';
    return 2;
  }
  HttpClient client(**curl, http_options(s));
  Transport t = client.transport();
  Endpoint e = test_endpoint();
  bool all = true;
  for (const Finding* f : revocable) {
    const Rule* r = report.rules->find(f->rule_id);
    RevokeOutcome res = revoke_secret(r->revoke, f->secret, t, e);
    all = all && res.requested;
    out << fmt::format("  {} ({}): {}\n", shown_secret(*f, ro), where(*f), res.detail);
  }
  if (all)
    out << "keyward: the Hub answers the same whether or not a token existed; `keyward --verify` on the same files "
           "confirms each one is now invalid\n";
  if (!all) return 2;
  return manual.empty() ? 0 : 1;
}

}  // namespace keyward
