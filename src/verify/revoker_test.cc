#include "revoker.h"

#include <catch2/catch.hpp>

#include "testing.h"

using namespace keyward;

namespace {
HttpCheck hub() {
  HttpCheck c;
  c.kind = "http";
  c.method = "POST";
  c.url = "https://huggingface.co/api/credentials/revoke";
  c.headers = {"Content-Type: application/json"};
  c.body = R"({"credentials": ["{secret}"]})";
  c.live = {202};
  return c;
}
}  // namespace

TEST_CASE("revoker: one request, the documented body, never retried", "[verify]") {
  std::string tok = testing::fake_hf_token(9);
  std::vector<HttpRequest> sent;
  int status = 202;
  Transport t = [&](const HttpRequest& r) {
    sent.push_back(r);
    HttpResponse res;
    res.status = status;
    return res;
  };
  RevokeOutcome ok = revoke_secret(hub(), tok, t, Endpoint{});
  CHECK(ok.requested);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].method == "POST");
  CHECK(sent[0].url == "https://huggingface.co/api/credentials/revoke");
  CHECK(sent[0].body == "{\"credentials\": [\"" + tok + "\"]}");
  REQUIRE(sent[0].headers.size() == 1);
  CHECK(sent[0].headers[0].first == "Content-Type");

  status = 429;
  RevokeOutcome limited = revoke_secret(hub(), tok, t, Endpoint{});
  CHECK_FALSE(limited.requested);
  CHECK(limited.detail.find("rate limited") != std::string::npos);
  CHECK(sent.size() == 2);  // once per call, no retry
  CHECK(limited.detail.find(tok) == std::string::npos);
}
