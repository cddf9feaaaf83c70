#include "verifier.h"

#include <atomic>

#include <catch2/catch.hpp>

#include "testing.h"

using namespace keyward;

namespace {
RuleSet hf_rules() {
  RuleSet set;
  Rule r;
  r.id = "huggingface-user-token";
  r.description = "d";
  r.regex = "(hf_[A-Za-z]{34})";
  r.verify.kind = "http";
  r.verify.url = "https://huggingface.co/api/whoami-v2";
  r.verify.headers = {"Authorization: Bearer {secret}"};
  r.verify.identity = {"user=name"};
  REQUIRE_FALSE(set.add(r));
  Rule g;
  g.id = "generic-password";
  g.description = "d";
  g.regex = "(x)";
  REQUIRE_FALSE(set.add(g));
  return set;
}
Finding finding(const std::string& rule, const std::string& secret) {
  Finding f;
  f.rule_id = rule;
  f.secret = secret;
  return f;
}
}  // namespace

TEST_CASE("verifier: 100 findings of 10 distinct secrets make 10 requests", "[verify]") {
  RuleSet rules = hf_rules();
  std::vector<Finding> findings;
  for (int i = 0; i < 100; ++i) findings.push_back(finding("huggingface-user-token", testing::fake_hf_token(i % 10)));
  std::atomic<int> calls{0};
  Transport t = [&](const HttpRequest&) {
    ++calls;
    HttpResponse r;
    r.status = 200;
    r.body = R"({"name": "alice"})";
    return r;
  };
  VerifyStats st = verify_findings(findings, rules, &t, VerifyOptions{});
  CHECK(calls == 10);
  CHECK(st.requests == 10);
  for (auto& f : findings) CHECK(f.verification == "live");
}

TEST_CASE("verifier: without libcurl nothing is sent and verifiable findings are unknown", "[verify]") {
  RuleSet rules = hf_rules();
  std::vector<Finding> findings{finding("huggingface-user-token", testing::fake_hf_token(1)),
                                finding("generic-password", "hunter2hunter2")};
  VerifyStats st = verify_findings(findings, rules, nullptr, VerifyOptions{}, "no libcurl");
  CHECK(st.requests == 0);
  CHECK(findings[0].verification == "unknown");
  CHECK(findings[0].verification_reason == "no libcurl");
  CHECK(findings[1].verification == "unknown");  // no [rules.verify]: said so
  CHECK_FALSE(findings[1].verification_reason.empty());
}

TEST_CASE("verifier: a rate limit on one secret does not stop the others", "[verify]") {
  RuleSet rules = hf_rules();
  std::string limited = testing::fake_hf_token(1);
  std::vector<Finding> findings{finding("huggingface-user-token", limited),
                                finding("huggingface-user-token", testing::fake_hf_token(2))};
  Transport t = [&](const HttpRequest& req) {
    HttpResponse r;
    r.status = req.headers[0].second == "Bearer " + limited ? 429 : 401;
    return r;
  };
  VerifyOptions one;
  one.parallel = 1;
  verify_findings(findings, rules, &t, one);
  CHECK(findings[0].verification == "unknown");
  CHECK(findings[0].verification_reason == "rate limited");
  CHECK(findings[1].verification == "invalid");
}
