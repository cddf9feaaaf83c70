#include "rule_cache.h"

#include <catch2/catch.hpp>

using namespace keyward;

TEST_CASE("rules survive a round trip through the cache format", "[rule_cache]") {
  Rule a;
  a.id = "x-token";
  a.description = "X token";
  a.provider = "X";
  a.regex = "(x_[a-z]{10})";
  a.keywords = {"x_"};
  a.min_entropy = 3.25;
  a.validator = "github-crc32";
  a.references = {"https://example.invalid/doc"};
  a.advice = "revoke";
  a.max_length = 77;
  a.check_placeholders = false;
  a.origin = "p/x.toml";
  a.positive = {"not cached"};
  Rule b;
  b.id = "y";
  std::string bytes = serialize_rules({a, b});
  std::vector<Rule> back;
  REQUIRE(deserialize_rules(bytes, back));
  REQUIRE(back.size() == 2);
  CHECK(back[0].id == a.id);
  CHECK(back[0].regex == a.regex);
  CHECK(back[0].min_entropy == a.min_entropy);
  CHECK(back[0].keywords == a.keywords);
  CHECK(back[0].references == a.references);
  CHECK(back[0].max_length == 77);
  CHECK_FALSE(back[0].check_placeholders);
  CHECK(back[0].positive.empty());  // examples are not needed to scan
  CHECK(back[1].id == "y");
}

TEST_CASE("verification and revocation data survive the cache", "[rule_cache]") {
  Rule a;
  a.id = "x-token";
  a.verify.kind = "aws-sigv4";
  a.verify.method = "POST";
  a.verify.url = "https://sts.amazonaws.com/";
  a.verify.headers = {"Content-Type: x"};
  a.verify.body = "Action=GetCallerIdentity";
  a.verify.live = {200};
  a.verify.invalid = {403};
  a.verify.identity = {"account=xml:Account"};
  a.verify.pair_group = 1;
  a.verify.region = "us-east-1";
  a.verify.service = "sts";
  a.revoke.kind = "http";
  a.revoke.url = "https://example.invalid/revoke";
  a.revoke.live = {202};
  std::vector<Rule> back;
  REQUIRE(deserialize_rules(serialize_rules({a}), back));
  REQUIRE(back.size() == 1);
  const HttpCheck& v = back[0].verify;
  CHECK(v.kind == "aws-sigv4");
  CHECK(v.method == "POST");
  CHECK(v.url == a.verify.url);
  CHECK(v.headers == a.verify.headers);
  CHECK(v.body == a.verify.body);
  CHECK(v.invalid == std::vector<int>{403});
  CHECK(v.identity == a.verify.identity);
  CHECK(v.pair_group == 1);
  CHECK(v.region == "us-east-1");
  CHECK(v.service == "sts");
  CHECK(back[0].revoke.url == a.revoke.url);
  CHECK(back[0].revoke.live == std::vector<int>{202});
}

TEST_CASE("a truncated or corrupt cache is rejected, never half-read", "[rule_cache]") {
  Rule a;
  a.id = "x-token";
  a.regex = "(x)";
  std::string bytes = serialize_rules({a});
  std::vector<Rule> back;
  for (size_t cut = 0; cut < bytes.size(); ++cut) CHECK_FALSE(deserialize_rules(bytes.substr(0, cut), back));
  std::string bad = bytes;
  bad[0] = 'Q';
  CHECK_FALSE(deserialize_rules(bad, back));
  CHECK_FALSE(deserialize_rules(bytes + "junk", back));
}

TEST_CASE("the vocabulary survives the cache beside the rules, and any damage to it is caught", "[rule_cache]") {
  Rule a;
  a.id = "x-token";
  a.regex = "(x)";
  Vocabulary v;
  v.words = {"cache", "vision"};
  v.word_exempt_rules = {"*password*"};
  v.example_values = {"an example value"};
  v.example_secret_patterns = {"EXAMPLE"};
  v.example_after_patterns = {"@example\\.com"};
  std::string bytes = serialize_rule_cache({a}, v);
  std::vector<Rule> back;
  std::string_view rules_part, vocabulary;
  REQUIRE(deserialize_rule_cache(bytes, back, &rules_part, &vocabulary));
  REQUIRE(back.size() == 1);
  CHECK(rules_part == serialize_rules({a}));  // the database key checksums the rules alone
  Vocabulary w;
  REQUIRE(deserialize_vocabulary(vocabulary, w));
  CHECK(w.words == v.words);
  CHECK(w.word_exempt_rules == v.word_exempt_rules);
  CHECK(w.example_values == v.example_values);
  CHECK(w.example_secret_patterns == v.example_secret_patterns);
  CHECK(w.example_after_patterns == v.example_after_patterns);

  // Truncated anywhere, or with anything after it: rejected whole, the rules too.
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    std::vector<Rule> none;
    CHECK_FALSE(deserialize_rule_cache(bytes.substr(0, cut), none, &rules_part, &vocabulary));
    CHECK(none.empty());
  }
  CHECK_FALSE(deserialize_rule_cache(bytes + "x", back, &rules_part, &vocabulary));
  // A length that runs past the end (a flipped high byte) is caught by the walk.
  std::string serialized = serialize_vocabulary(v);
  for (size_t i = 8; i < serialized.size(); ++i) {
    std::string bad = serialized;
    bad[i] = static_cast<char>(bad[i] ^ 0x80);
    Vocabulary ignored;
    if (vocabulary_well_formed(bad)) continue;  // a flip inside a word: the file's checksum catches it
    CHECK_FALSE(deserialize_vocabulary(bad, ignored));
  }
}
