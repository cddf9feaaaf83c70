// Every published example in patterns/documented-examples.txt is recognised, and a value
// one character away from it is not.
#include "documented_examples.h"

#include <catch2/catch.hpp>
#include <re2/re2.h>

#include "vocabulary.h"

using namespace keyward;

namespace {

const Vocabulary& shipped() {
  static const Vocabulary v = [] {
    auto r = load_vocabulary(KEYWARD_SOURCE_PATTERNS_DIR);
    if (!r) FAIL(r.error());
    return std::move(*r);
  }();
  return v;
}

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

TEST_CASE("documented examples: example-marking patterns", "[policy][examples]") {
  DocumentedExamples ex(shipped());
  // jwt.io's signature under an edited payload, built from pieces at run time.
  std::string header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
  std::string edited = header + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwicm9sZSI6ImFkbWluIn0." + "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  CHECK(ex.is_example(edited));
  CHECK_FALSE(ex.is_example(edited.substr(0, edited.size() - 1) + "d"));
  CHECK(ex.is_example("AKIAQ3EGRLQWEXAMPLE7"));
  CHECK(ex.is_example("s3cr3tPassw0rdZ", "@example.com/path"));
  CHECK(ex.is_example("s3cr3tPassw0rdZ", "@db.example.org:5432/app"));
  CHECK(ex.is_example("s3cr3tPassw0rdZ", "@host.invalid"));
  CHECK_FALSE(ex.is_example("s3cr3tPassw0rdZ", "@example.com.evil.io/"));
  CHECK_FALSE(ex.is_example("s3cr3tPassw0rdZ", "@myexample.com/"));
  CHECK_FALSE(ex.is_example("s3cr3tPassw0rdZ", "@db.internal:5432"));
  CHECK_FALSE(ex.is_example("s3cr3tPassw0rdZ", " # see user@example.com"));
  CHECK_FALSE(ex.is_example("s3cr3tPassw0rdZ"));
}

TEST_CASE("documented examples: a piece of one followed by its rest, and URL-decoded forms", "[policy][examples]") {
  DocumentedExamples ex(shipped());
  std::string jwt_head = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9";  // RFC 7519's header
  std::string rest = ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
                     "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  CHECK(ex.is_example(jwt_head, rest + "\""));
  CHECK_FALSE(ex.is_example(jwt_head, rest.substr(0, rest.size() - 1) + "l"));
  CHECK_FALSE(ex.is_example(jwt_head));
  CHECK(ex.is_example("wOJIO9A2W5mFwDgiDvZbTSMK", "%2FPY%3D\""));  // RFC 5849's signature up to its %2F
  CHECK(ex.is_example("wOJIO9A2W5mFwDgiDvZbTSMK/PY="));            // and URL-decoded
}
