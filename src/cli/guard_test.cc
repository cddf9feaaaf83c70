#include "guard.h"

#include <catch2/catch.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

using namespace keyward;

TEST_CASE("guard: an escaping exception is exit 2 with a message naming the command", "[guard]") {
  std::ostringstream err;
  CHECK(run_guarded("the scan", [] { return 1; }, err) == 1);
  CHECK(err.str().empty());
  CHECK(run_guarded("the scan", []() -> int { throw std::out_of_range("basic_string_view::substr"); }, err) == 2);
  CHECK(err.str().rfind("keyward: error: the scan failed: internal error: basic_string_view::substr", 0) == 0);
  std::ostringstream err2;
  CHECK(run_guarded("install", []() -> int { throw 42; }, err2) == 2);
  CHECK(err2.str().rfind("keyward: error: install failed: internal error (unknown exception)", 0) == 0);
}
