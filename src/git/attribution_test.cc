#include "attribution.h"

#include <catch2/catch.hpp>

TEST_CASE("git times are shown in ISO 8601 with the author's offset") {
  git_time t{};
  t.time = 1700000000;  // 2023-11-14T22:13:20Z
  t.offset = 120;
  CHECK(keyward::format_git_time(t) == "2023-11-15T00:13:20+02:00");
  t.offset = -330;
  CHECK(keyward::format_git_time(t) == "2023-11-14T16:43:20-05:30");
}
