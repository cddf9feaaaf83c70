#include "json_writer.h"

#include <catch2/catch.hpp>

using keyward::json_string;

TEST_CASE("json strings escape and stay valid UTF-8", "[json]") {
  CHECK(json_string("a\"b\\c\n") == "\"a\\\"b\\\\c\\n\"");
  CHECK(json_string(std::string("\x01", 1)) == "\"\\u0001\"");
  CHECK(json_string("caf\xC3\xA9") == "\"caf\xC3\xA9\"");
  CHECK(json_string("bad\xFF") == "\"bad\xEF\xBF\xBD\"");
  CHECK(json_string("trunc\xE2\x82") == "\"trunc\xEF\xBF\xBD\xEF\xBF\xBD\"");
}
