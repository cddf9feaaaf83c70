#include "check.h"

#include <catch2/catch.hpp>

#include "testing.h"

using namespace keyward;

namespace {
HttpCheck hf() {
  HttpCheck c;
  c.kind = "http";
  c.url = "https://huggingface.co/api/whoami-v2";
  c.headers = {"Authorization: Bearer {secret}"};
  c.identity = {"user=name", "role=auth.accessToken.role"};
  return c;
}
HttpResponse answer(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}
}  // namespace

TEST_CASE("check: the request carries the secret only where the rule says", "[verify]") {
  std::string tok = testing::fake_hf_token(7);
  auto req = build_request(hf(), tok, "", Endpoint{}, "");
  REQUIRE(req);
  CHECK(req->url == "https://huggingface.co/api/whoami-v2");
  REQUIRE(req->headers.size() == 1);
  CHECK(req->headers[0].second == "Bearer " + tok);
  CHECK(req->body.empty());
}

TEST_CASE("check: the test-only base replaces scheme, host and port, keeping the path", "[verify]") {
  auto req = build_request(hf(), testing::fake_hf_token(7), "", Endpoint{"https://127.0.0.1:8443"}, "");
  REQUIRE(req);
  CHECK(req->url == "https://127.0.0.1:8443/api/whoami-v2");
}

TEST_CASE("check: a secret that could break out of a header is refused", "[verify]") {
  CHECK_FALSE(build_request(hf(), "hf_abc\r\nX-Evil: 1", "", Endpoint{}, ""));
  CHECK_FALSE(build_request(hf(), "hf_abc\"", "", Endpoint{}, ""));
  HttpCheck plain = hf();
  plain.url = "http://huggingface.co/api/whoami-v2";
  CHECK_FALSE(build_request(plain, testing::fake_hf_token(1), "", Endpoint{}, ""));
}

TEST_CASE("check: basic auth is base64 of the filled template", "[verify]") {
  HttpCheck c;
  c.kind = "http";
  c.url = "https://api.stripe.com/v1/balance";
  c.basic_auth = "{secret}:";
  auto req = build_request(c, "ab", "", Endpoint{}, "");
  REQUIRE(req);
  CHECK(req->headers.back().second == "Basic YWI6");
}

TEST_CASE("check: live, invalid, rate limited, down, malformed, no answer", "[verify]") {
  std::string tok = testing::fake_hf_token(3);
  auto live = classify(hf(), answer(200, R"({"name": "alice", "auth": {"accessToken": {"role": "write"}}})"), tok);
  CHECK(live.status == "live");
  REQUIRE(live.identity.size() == 2);
  CHECK(live.identity[0] == std::make_pair(std::string("user"), std::string("alice")));
  CHECK(live.identity[1] == std::make_pair(std::string("role"), std::string("write")));
  CHECK(classify(hf(), answer(401, "{}"), tok).status == "invalid");
  auto limited = classify(hf(), answer(429, ""), tok);
  CHECK(limited.status == "unknown");
  CHECK(limited.reason == "rate limited");
  CHECK(classify(hf(), answer(503, ""), tok).status == "unknown");
  auto bad = classify(hf(), answer(200, "<html>"), tok);
  CHECK(bad.status == "unknown");
  CHECK(bad.reason.find("malformed") != std::string::npos);
  HttpResponse none;
  none.error = "timed out";
  CHECK(classify(hf(), none, tok).reason == "timed out");
}

TEST_CASE("check: an identity holding the secret, or control bytes, is not shown as is", "[verify]") {
  std::string tok = testing::fake_hf_token(4);
  auto v = classify(hf(), answer(200, "{\"name\": \"" + tok + "\", \"auth\": {\"accessToken\": {\"role\": \"r\\u001b[31m\"}}}"), tok);
  CHECK(v.status == "live");
  REQUIRE(v.identity.size() == 1);
  CHECK(v.identity[0].first == "role");
  CHECK(v.identity[0].second == "r[31m");
}

TEST_CASE("check: live_if, reason fields, headers and XML", "[verify]") {
  HttpCheck slack;
  slack.kind = "http";
  slack.url = "https://slack.com/api/auth.test";
  slack.live_if = "ok=true";
  slack.reason_field = "error";
  slack.identity = {"team=team"};
  CHECK(classify(slack, answer(200, R"({"ok": true, "team": "T"})"), "x").status == "live");
  auto inv = classify(slack, answer(200, R"({"ok": false, "error": "invalid_auth"})"), "x");
  CHECK(inv.status == "invalid");
  CHECK(inv.reason == "the provider says: invalid_auth");

  HttpCheck gh;
  gh.kind = "http";
  gh.url = "https://api.github.com/user";
  gh.identity = {"login=login", "scopes=header:X-OAuth-Scopes"};
  HttpResponse r = answer(200, R"({"login": "octo"})");
  r.headers = {{"x-oauth-scopes", "repo, gist"}};
  auto g = classify(gh, r, "x");
  REQUIRE(g.identity.size() == 2);
  CHECK(g.identity[1].second == "repo, gist");

  HttpCheck aws;
  aws.kind = "aws-sigv4";
  aws.url = "https://sts.amazonaws.com/";
  aws.identity = {"account=xml:Account"};
  aws.invalid = {403};
  auto a = classify(aws, answer(200, "<R><GetCallerIdentityResult><Account>123456789012</Account></GetCallerIdentityResult></R>"), "x");
  REQUIRE(a.identity.size() == 1);
  CHECK(a.identity[0].second == "123456789012");
  CHECK(classify(aws, answer(403, "<Error/>"), "x").status == "invalid");
}
