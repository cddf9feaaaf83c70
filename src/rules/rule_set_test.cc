// Rule files are data: what they may hold, and errors that name the file and line.
#include "rule_set.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using keyward::Rule;
using keyward::RuleSet;

namespace {

const char* kOneRule = R"(provider = "Example"

[[rules]]
id = "example-key"
description = "Example key"
regex = '''(?:^|[^a-z])(exk_[a-z]{20})(?:[^a-z]|$)'''
keywords = ["exk_"]
min_entropy = 2.5
examples.positive = ["k = exk_abcdefghijklmnopqrst"]
examples.negative = ["exk_short"]
)";

}  // namespace

TEST_CASE("rule_set: a rule file's fields load as written", "[rules]") {
  std::vector<Rule> rules;
  auto st = RuleSet::parse_file(kOneRule, "example.toml", rules);
  REQUIRE_FALSE(st);
  REQUIRE(rules.size() == 1);
  const Rule& r = rules[0];
  CHECK(r.id == "example-key");
  CHECK(r.provider == "Example");
  CHECK(r.keywords == std::vector<std::string>{"exk_"});
  CHECK(r.min_entropy == Approx(2.5));
  CHECK(r.positive.size() == 1);
  CHECK(r.negative.size() == 1);
  CHECK(r.origin.find("example.toml") != std::string::npos);
}

TEST_CASE("rule_set: duplicate ids and bad fields are errors naming the file", "[rules]") {
  RuleSet set;
  std::vector<Rule> rules;
  REQUIRE_FALSE(RuleSet::parse_file(kOneRule, "example.toml", rules));
  REQUIRE_FALSE(set.add(rules[0]));
  auto dup = set.add(rules[0]);
  REQUIRE(dup);
  CHECK(dup->message.find("example-key") != std::string::npos);

  std::vector<Rule> bad;
  auto st = RuleSet::parse_file("[[rules]]\nid = \"Not Kebab\"\nregex = '(x)'\n", "bad.toml", bad);
  REQUIRE(st);
  CHECK(st->message.find("bad.toml") != std::string::npos);
}

TEST_CASE("rule_set: a confirmer is compiled lazily and reports a bad capture group", "[rules]") {
  RuleSet set;
  std::vector<Rule> rules;
  REQUIRE_FALSE(RuleSet::parse_file(kOneRule, "example.toml", rules));
  rules[0].secret_group = 3;  // the regex has one group
  REQUIRE_FALSE(set.add(rules[0]));
  std::string error;
  CHECK(set.confirmer(0, &error) == nullptr);
  CHECK(error.find("capture group") != std::string::npos);
}

TEST_CASE("rule_set: disabled rules are gone and find() knows the rest", "[rules]") {
  RuleSet set;
  std::vector<Rule> rules;
  REQUIRE_FALSE(RuleSet::parse_file(kOneRule, "example.toml", rules));
  Rule other = rules[0];
  other.id = "example-other";
  REQUIRE_FALSE(set.add(rules[0]));
  REQUIRE_FALSE(set.add(other));
  set.disable({"example-key"});
  CHECK(set.find("example-key") == nullptr);
  REQUIRE(set.find("example-other") != nullptr);
}
