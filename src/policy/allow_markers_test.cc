// Other scanners' inline markers, in any letter case, and detect-secrets' next-line one.
#include <catch2/catch.hpp>

#include "filters.h"

using namespace keyward;

TEST_CASE("allow markers: every scanner's spelling, any case", "[policy][markers]") {
  for (const char* line : {"t = x  # keyward:allow", "t = x  // gitleaks:allow", "t = x  # betterleaks:allow",
                           "t = x  # trufflehog:ignore", "t = x  # kingfisher:ignore",
                           "t = x  # pragma: allowlist secret", "t = x  # pragma:allowlist secret",
                           "t = x  # GITLEAKS:ALLOW", "t = x  # TruffleHog:Ignore", "t = x  # Pragma: Allowlist Secret",
                           "t = x  /* KINGFISHER:IGNORE */", "t = x  # BetterLeaks:Allow"}) {
    INFO(line);
    CHECK(has_allow_comment(line));
    CHECK(allow_comment_positions(line) == std::vector<size_t>{std::string_view(line).find('#') == std::string_view::npos
                                                                   ? std::string_view(line).find_first_of("/")  + 3
                                                                   : std::string_view(line).find('#') + 2});
  }
  CHECK_FALSE(has_allow_comment("t = x  # gitleaks allow"));
  CHECK_FALSE(has_allow_comment("t = x  # trufflehog:verify"));
  CHECK_FALSE(has_allow_comment("t = x  # pragma: allowlist nextline secret"));  // that one is for the next line
  CHECK(allow_comment_positions("a # gitleaks:allow b # GITLEAKS:ALLOW").size() == 2);
}

TEST_CASE("allow markers: detect-secrets' next-line pragma", "[policy][markers]") {
  CHECK(has_nextline_allow_comment("# pragma: allowlist nextline secret"));
  CHECK(has_nextline_allow_comment("    // Pragma: Allowlist Nextline Secret"));
  CHECK(has_nextline_allow_comment("<!-- pragma:allowlist nextline secret -->"));
  CHECK_FALSE(has_nextline_allow_comment("# pragma: allowlist secret"));
  CHECK_FALSE(has_nextline_allow_comment("x = 1"));
}
