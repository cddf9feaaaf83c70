#include "fingerprint.h"

#include <catch2/catch.hpp>

#include "sha256.h"

using namespace keyward;

TEST_CASE("hmac-sha256 matches RFC 4231", "[fingerprint]") {
  CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block is hashed first.
  CHECK(hmac_sha256_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First") ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("fingerprints are keyed: not the plain hash, different per key", "[fingerprint]") {
  std::string rule = "generic-password", secret = "hunter2hunter2";
  std::string legacy = legacy_fingerprint(rule, secret);
  // The legacy form is what baselines written by earlier versions hold: it must not change.
  std::string v1 = "keyward-fingerprint-v1";
  v1 += '\0';
  v1 += rule;
  v1 += '\0';
  v1 += secret;
  CHECK(legacy == Sha256::hex(v1).substr(0, 32));
  std::string k1 = keyed_fingerprint("key-one-0123456789", rule, secret);
  std::string k2 = keyed_fingerprint("key-two-0123456789", rule, secret);
  CHECK(k1.size() == 32);
  CHECK(k1 != legacy);
  CHECK(k1 != k2);
  CHECK(k1 == keyed_fingerprint("key-one-0123456789", rule, secret));  // stable
  CHECK(k1 != keyed_fingerprint("key-one-0123456789", "other-rule", secret));
  for (const std::string& plain : {secret, rule + secret, rule + ":" + secret})
    CHECK(Sha256::hex(plain).find(k1) == std::string::npos);
  CHECK(keyed_fingerprint(salt_key("remote:github.com/a/b"), rule, secret) !=
        keyed_fingerprint(salt_key("remote:github.com/a/c"), rule, secret));
}

TEST_CASE("Fingerprinter: the key in force first, the others and legacy as other forms", "[fingerprint]") {
  Fingerprinter none;
  CHECK(none("r", "s3cr3t-value") == legacy_fingerprint("r", "s3cr3t-value"));
  CHECK(none.other_forms("r", "s3cr3t-value").empty());
  Fingerprinter two({"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"});
  CHECK(two("r", "x") == keyed_fingerprint("aaaaaaaaaaaaaaaa", "r", "x"));
  auto forms = two.other_forms("r", "x");
  REQUIRE(forms.size() == 2);
  CHECK(forms[0] == keyed_fingerprint("bbbbbbbbbbbbbbbb", "r", "x"));
  CHECK(forms[1] == legacy_fingerprint("r", "x"));
}

TEST_CASE("new fingerprint keys are random and valid", "[fingerprint]") {
  std::string a = new_fingerprint_key(), b = new_fingerprint_key();
  CHECK(a.size() == 64);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(a != b);
  CHECK(fingerprint_key_problem(a).empty());
  CHECK(!fingerprint_key_problem("short").empty());
  CHECK(!fingerprint_key_problem("has a space in it, long enough").empty());
}
