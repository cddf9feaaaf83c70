// The vocabulary files' format: sections, comments, errors that name file and line.
#include "vocabulary.h"

#include <catch2/catch.hpp>

using namespace keyward;

TEST_CASE("vocabulary: sections and entries", "[rules][vocabulary]") {
  Vocabulary v;
  REQUIRE_FALSE(parse_vocabulary("# c\n[words]\nAlpha beta\n  gamma\n[exempt-rules]\n*password*\n"
                                 "[values]\nA b c\n[secret-patterns]\nEX$\n[after-patterns]\n^@x\n",
                                 "t.txt", v));
  CHECK(v.words == std::vector<std::string>{"alpha", "beta", "gamma"});
  CHECK(v.word_exempt_rules == std::vector<std::string>{"*password*"});
  CHECK(v.example_values == std::vector<std::string>{"A b c"});
  CHECK(v.example_secret_patterns == std::vector<std::string>{"EX$"});
  CHECK(v.example_after_patterns == std::vector<std::string>{"^@x"});
}

TEST_CASE("vocabulary: errors name the file and line", "[rules][vocabulary]") {
  Vocabulary v;
  auto e = parse_vocabulary("word\n", "t.txt", v);
  REQUIRE(e);
  CHECK(e->message.find("t.txt:1") != std::string::npos);
  e = parse_vocabulary("[words]\nx\n[nonsense]\n", "t.txt", v);
  REQUIRE(e);
  CHECK(e->message.find("t.txt:3") != std::string::npos);
  e = parse_vocabulary("[secret-patterns]\n(unclosed\n", "t.txt", v);
  REQUIRE(e);
  CHECK(e->message.find("RE2") != std::string::npos);
}

TEST_CASE("vocabulary: the shipped files load; a directory without them is empty", "[rules][vocabulary]") {
  auto v = load_vocabulary(KEYWARD_SOURCE_PATTERNS_DIR);
  REQUIRE(v);
  CHECK(v->words.size() > 2000);
  CHECK_FALSE(v->example_values.empty());
  auto none = load_vocabulary("/nonexistent-keyward-dir");
  REQUIRE(none);
  CHECK(none->words.empty());
}
