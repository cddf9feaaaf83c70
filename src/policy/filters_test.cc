#include "filters.h"

#include <catch2/catch.hpp>

#include "testing.h"

using namespace keyward;

TEST_CASE("entropy separates random tokens from words", "[filters]") {
  CHECK(shannon_entropy("") == 0.0);
  CHECK(shannon_entropy("aaaaaaaa") == 0.0);
  CHECK(shannon_entropy("abababab") == Approx(1.0));
  CHECK(shannon_entropy(testing::fake_token("", testing::kLetters, 34, 3)) > 4.0);
}

TEST_CASE("placeholders and example values are recognised", "[filters]") {
  CHECK(looks_like_placeholder("hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
  CHECK(looks_like_placeholder("hf_YOUR_TOKEN_HERE"));
  CHECK(looks_like_placeholder("<your-token>"));
  CHECK(looks_like_placeholder("${HF_TOKEN}"));
  CHECK(looks_like_placeholder(std::string("AKIAIOSFODNN7") + "EXAMPLE"));
  CHECK(looks_like_placeholder("hf_abcdefghijklmnopqrstuvwxyzabcdefgh"));
  CHECK(looks_like_placeholder("sk-000000000000000000000000000000000000"));
  CHECK(looks_like_placeholder("hf_ABABABABABABABABABABABABABABABABAB"));
}

TEST_CASE("random tokens are not placeholders", "[filters]") {
  for (uint64_t seed = 1; seed <= 200; ++seed)
    CHECK_FALSE(looks_like_placeholder(testing::fake_hf_token(seed)));
}

TEST_CASE("placeholder words count where they stand apart or make up the value", "[filters]") {
  CHECK(looks_like_placeholder("sk_test_dummy_0123456789abcdefXYZ"));
  CHECK(looks_like_placeholder("hf_Fake" + testing::fake_token("", testing::kLetters, 30, 5)));
  CHECK(looks_like_placeholder("hf_YourDummyTokenGoesHereForTestingX"));
  CHECK(looks_like_placeholder("hf_SampleTokenValueForTheDemoReplace"));
}

TEST_CASE("a word glued inside random letters does not make a placeholder", "[filters]") {
  // Random 34-letter bodies with Fake, Test, Dummy or xxxx in the middle: a real token
  // spells one now and then.
  for (std::string word : {"Fake", "Test", "Dummy", "fake", "FAKE", "xxxx", "DUMMY"})
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      std::string t = testing::fake_hf_token(seed);
      std::string tok = t.substr(0, 3 + 12) + word + t.substr(3 + 12 + word.size());
      REQUIRE(tok.size() == t.size());
      INFO(tok);
      CHECK_FALSE(looks_like_placeholder(tok));
    }
}

TEST_CASE("inline allow comments in the spellings people use", "[filters]") {
  CHECK(has_allow_comment("token = load()  # keyward:allow"));
  CHECK(has_allow_comment("x = 1 // gitleaks:allow"));
  CHECK(has_allow_comment("pw = 'x'  # pragma: allowlist secret"));
  CHECK_FALSE(has_allow_comment("token = load()"));
}

TEST_CASE("placeholders: Go format strings glued together in a binary", "[filters][placeholder]") {
  CHECK(looks_like_placeholder("%vInvalidClientExceptionentitledApplicationArn"));
  CHECK(looks_like_placeholder("%wtf_aws.iam_client.endpointSTS"));
  CHECK(looks_like_placeholder("cannot fetch token: %v"));
  CHECK(looks_like_placeholder("%qconfig_invalid"));
  CHECK(looks_like_placeholder("type %T is not"));
  // Percent-encoding is hex: a URL-encoded secret is not a format string.
  CHECK_FALSE(looks_like_placeholder("Rq" + std::to_string(83172) + "%2FNmKd" + std::to_string(9461) + "%3D"));
}
