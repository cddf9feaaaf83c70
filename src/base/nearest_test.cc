#include "nearest.h"

#include <catch2/catch.hpp>

TEST_CASE("nearest_word suggests what was meant, never something unrelated", "[nearest]") {
  std::vector<std::string> ids = {"huggingface-user-token", "huggingface-org-token", "ipynb-checkpoint"};
  CHECK(keyward::nearest_word("huggingface-user-tokn", ids) == "huggingface-user-token");
  CHECK(keyward::nearest_word("ipynb-checkpiont", ids) == "ipynb-checkpoint");
  CHECK(keyward::nearest_word("bogus", ids).empty());
  CHECK(keyward::nearest_word("", ids).empty());
}
