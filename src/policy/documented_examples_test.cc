// Every published example in patterns/documented-examples.txt is recognised, and a value
// one character away from it is not.
#include "documented_examples.h"

#include <catch2/catch.hpp>
#include <re2/re2.h>

#include "vocabulary.h"
#include "vocabulary_testing.h"

using namespace keyward;

namespace {

const Vocabulary& shipped() { return testing::shipped_vocabulary(); }

// The same value with one character changed: the last letter or digit (a JWT's signature).
std::string near_miss(std::string s) {
  for (size_t i = s.size(); i-- > 0;) {
    char& c = s[i];
    if (c >= 'a' && c < 'z') { ++c; return s; }
    if (c >= 'A' && c < 'Z' && c != 'E') { ++c; return s; }
    if (c >= '0' && c < '9') { ++c; return s; }
  }
  return s + "x";
}

}  // namespace

TEST_CASE("documented examples: every listed value is one, a near miss is not", "[policy][examples]") {
  const Vocabulary& v = shipped();
  REQUIRE(v.example_values.size() >= 20);
  DocumentedExamples ex(v);
  re2::RE2 marked("EXAMPLE");
  for (const std::string& value : v.example_values) {
    INFO(value.size() << "-character entry starting " << value.substr(0, 4));
    CHECK(ex.is_example(value));
    std::string miss = near_miss(value);
    REQUIRE(miss != value);
    // Values marked EXAMPLE stay examples when edited: the marking, not the value, says so.
    if (!re2::RE2::PartialMatch(miss, marked)) CHECK_FALSE(ex.is_example(miss));
  }
}

// The listed value starting with `head` (the examples are taken from the data file, so no
// token-shaped literal lives here).
std::string listed(const std::string& head) {
  for (auto& v : shipped().example_values)
    if (v.compare(0, head.size(), head) == 0) return v;
  FAIL("no listed example starts with " << head);
  return {};
}

std::string listed_containing(const std::string& part) {
  for (auto& v : shipped().example_values)
    if (v.find(part) != std::string::npos) return v;
  FAIL("no listed example contains " << part);
  return {};
}

TEST_CASE("documented examples: example-marking patterns", "[policy][examples]") {
  DocumentedExamples ex(shipped());
  // jwt.io's signature under an edited payload ({"sub":"1234567890","role":"admin"}).
  std::string jwtio = listed("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0");
  std::string sig = jwtio.substr(jwtio.rfind('.') + 1);
  std::string edited = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwicm9sZSI6ImFkbWluIn0." + sig;
  CHECK(ex.is_example(edited));
  CHECK_FALSE(ex.is_example(edited.substr(0, edited.size() - 1) + (edited.back() == 'd' ? "e" : "d")));
  CHECK(ex.is_example("AKIA" + std::string("Q3EGRLQWEXAMPLE7")));
  const std::string pw = "Pw" + std::to_string(7319) + "qZ";
  CHECK(ex.is_example(pw, "@example.com/path"));
  CHECK(ex.is_example(pw, "@db.example.org:5432/app"));
  CHECK(ex.is_example(pw, "@host.invalid"));
  CHECK_FALSE(ex.is_example(pw, "@example.com.evil.io/"));
  CHECK_FALSE(ex.is_example(pw, "@myexample.com/"));
  CHECK_FALSE(ex.is_example(pw, "@db.internal:5432"));
  CHECK_FALSE(ex.is_example(pw, " # see user@example.com"));
  CHECK_FALSE(ex.is_example(pw));
}

TEST_CASE("documented examples: a piece of one followed by its rest, and URL-decoded forms", "[policy][examples]") {
  DocumentedExamples ex(shipped());
  std::string rfc7519 = listed("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.");  // its header
  std::string head = rfc7519.substr(0, 40), rest = rfc7519.substr(40);
  CHECK(ex.is_example(head, rest + "\""));
  CHECK_FALSE(ex.is_example(head, rest.substr(0, rest.size() - 1) + (rest.back() == 'l' ? "m" : "l")));
  CHECK_FALSE(ex.is_example(head));
  // RFC 5849's signature, cut at its %2F as a rule's value class does, and URL-decoded.
  std::string signature = listed_containing("%2F");
  size_t cut = signature.find('%');
  CHECK(ex.is_example(signature.substr(0, cut), signature.substr(cut) + "\""));
  std::string decoded = signature.substr(0, cut) + "/" + signature.substr(cut + 3, signature.find('%', cut + 1) - cut - 3) + "=";
  CHECK(ex.is_example(decoded));
}
