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

TEST_CASE("rule_set: [rules.verify] and [rules.revoke] load; only https:// is accepted", "[rules]") {
  std::string rule = std::string(kOneRule) + R"(
[rules.verify]
url = "https://example.invalid/whoami"
headers = ["Authorization: Bearer {secret}"]
invalid = [401, 403]
identity = ["user=name"]

[rules.revoke]
method = "POST"
url = "https://example.invalid/revoke"
body = '{"credentials": ["{secret}"]}'
accepted = [202]
)";
  std::vector<Rule> rules;
  REQUIRE_FALSE(RuleSet::parse_file(rule, "example.toml", rules));
  REQUIRE(rules.size() == 1);
  CHECK(rules[0].verify.kind == "http");
  CHECK(rules[0].verify.method == "GET");
  CHECK(rules[0].verify.headers == std::vector<std::string>{"Authorization: Bearer {secret}"});
  CHECK(rules[0].verify.live == std::vector<int>{200});
  CHECK(rules[0].verify.invalid == std::vector<int>{401, 403});
  CHECK(rules[0].revoke.method == "POST");
  CHECK(rules[0].revoke.live == std::vector<int>{202});

  std::vector<Rule> plain;
  auto st = RuleSet::parse_file(std::string(kOneRule) + "\n[rules.verify]\nurl = \"http://example.invalid/\"\n",
                                "example.toml", plain);
  REQUIRE(st);
  CHECK(st->message.find("https://") != std::string::npos);
  std::vector<Rule> unknown;
  CHECK(RuleSet::parse_file(std::string(kOneRule) + "\n[rules.verify]\nurl = \"https://x.invalid/\"\nsend_to = 1\n",
                            "example.toml", unknown));
}

TEST_CASE("rule_set: add_all refuses a duplicate id and a negative capture group", "[rules]") {
  auto rule = [](const std::string& id) {
    Rule r;
    r.id = id;
    r.regex = "(x)";
    r.description = "d";
    return r;
  };
  RuleSet set;
  REQUIRE_FALSE(set.add_all({rule("a-one"), rule("a-two")}));
  CHECK(set.size() == 2);
  CHECK(set.find("a-two") == &set[1]);
  CHECK(set.confirmer(1) != nullptr);
  auto dup = set.add(rule("a-one"));
  REQUIRE(dup);
  CHECK(dup->message.find("duplicate rule id 'a-one'") != std::string::npos);
  RuleSet other;
  CHECK(other.add_all({rule("b"), rule("c"), rule("b")}));
  Rule bad = rule("d");
  bad.secret_group = -1;
  RuleSet third;
  CHECK(third.add_all({bad}));
}
