#include "pre_receive.h"

#include <sstream>

#include <catch2/catch.hpp>

using namespace keyward;

TEST_CASE("pre-receive input: old, new, ref per line", "[pre-receive]") {
  std::string a(40, 'a'), z(40, '0');
  std::istringstream in(z + " " + a + " refs/heads/main\n\n" + a + " " + z + " refs/tags/v1\r\n");
  auto r = parse_pre_receive(in);
  REQUIRE(r);
  REQUIRE(r->size() == 2);
  CHECK((*r)[0].ref == "refs/heads/main");
  CHECK((*r)[1].new_sha == z);
  CHECK((*r)[1].ref == "refs/tags/v1");
}

TEST_CASE("pre-receive input: bad lines and SHA-256 ids are errors", "[pre-receive]") {
  std::istringstream bad("hello world\n");
  CHECK(!parse_pre_receive(bad));
  std::istringstream sha256(std::string(64, '0') + " " + std::string(64, 'b') + " refs/heads/main\n");
  auto r = parse_pre_receive(sha256);
  REQUIRE(!r);
  CHECK(r.error().find("SHA-256") != std::string::npos);
  CHECK(r.error().find("libgit2") != std::string::npos);
}

TEST_CASE("[server] refs globs", "[pre-receive]") {
  CHECK(ref_selected({}, "refs/heads/x"));
  CHECK(ref_selected({"refs/heads/*"}, "refs/heads/feature/deep"));
  CHECK(!ref_selected({"refs/heads/*"}, "refs/tags/v1"));
  CHECK(ref_selected({"refs/tags/v?"}, "refs/tags/v1"));
}
