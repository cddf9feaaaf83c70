#include "pre_push.h"

#include <catch2/catch.hpp>

#include <sstream>

TEST_CASE("pre-push input lines are parsed; blank lines ignored; malformed lines rejected") {
  std::string z(40, '0'), a(40, 'a'), b(40, 'b');
  std::istringstream in("refs/heads/main " + a + " refs/heads/main " + b + "\n\n" + "(delete) " + z +
                        " refs/heads/old " + a + "\r\n");
  auto r = keyward::parse_pre_push(in);
  REQUIRE(r);
  REQUIRE(r->size() == 2);
  CHECK((*r)[0].local_sha == a);
  CHECK((*r)[0].remote_sha == b);
  CHECK((*r)[1].local_sha == z);
  CHECK((*r)[1].remote_ref == "refs/heads/old");
  std::istringstream bad("refs/heads/main " + a + "\n");
  auto e = keyward::parse_pre_push(bad);
  REQUIRE(!e);
  CHECK(e.error().find("line 1") != std::string::npos);
}
