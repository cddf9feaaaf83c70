#include "config.h"

#include <catch2/catch.hpp>

#include "gitleaks_config.h"

using namespace keyward;

TEST_CASE("config: a full .keyward.toml parses") {
  auto c = parse_config(R"(
version = 1
[allowlist]
paths = ["tests/", "*.snap"]
path_regexes = ['^vendor/']
regexes = ['^sk_test_']
stopwords = ["example"]
values = ["a.b"]
fingerprints = ["0123456789abcdef0123456789abcdef"]
[rules_config]
disable = ["some-rule"]
[rule.other-rule]
allow_paths = ["docs/"]
allow_regexes = ['^x']
min_entropy = 3.5
severity = "low"
[checkpoints]
block = false
)", "k.toml");
  REQUIRE(c.ok());
  CHECK(c->allow_paths.size() == 2);
  CHECK(c->allow_path_regexes == std::vector<std::string>{"^vendor/"});
  CHECK(c->allow_regexes.size() == 1);
  CHECK(c->stopwords.size() == 1);
  CHECK(c->allow_values.has("a.b"));
  CHECK_FALSE(c->allow_values.has("aXb"));
  CHECK(c->disabled == std::vector<std::string>{"some-rule"});
  CHECK(c->overrides["other-rule"].min_entropy == 3.5);
  CHECK(!c->block_checkpoints);
  CHECK(c->rule_refs.at("some-rule") == 11);
}

TEST_CASE("config: errors name file, line and reason") {
  auto err = [](const std::string& text) {
    auto c = parse_config(text, "k.toml");
    REQUIRE(!c.ok());
    return c.error();
  };
  CHECK_THAT(err("[allowlist]\npath = []\n"), Catch::StartsWith("k.toml:2: unknown key 'path'"));
  CHECK_THAT(err("[alowlist]\n"), Catch::StartsWith("k.toml:1: unknown section 'alowlist'"));
  CHECK_THAT(err("[allowlist]\nregexes = [\"(\"]\n"), Catch::Contains("k.toml:2:") && Catch::Contains("RE2"));
  CHECK_THAT(err("[allowlist]\nstopwords = [\"\"]\n"), Catch::Contains("empty string"));
  CHECK_THAT(err("[rule.x]\nmin_entropy = 9\n"), Catch::StartsWith("k.toml:2: min_entropy"));
  CHECK_THAT(err("[rule.x]\nseverity = \"urgent\"\n"), Catch::StartsWith("k.toml:2: severity"));
  CHECK_THAT(err("[allowlist]\nfingerprints = [\"xyz\"]\n"), Catch::Contains("not a keyward fingerprint"));
  CHECK_THAT(err("a = [\n"), Catch::Contains("invalid TOML"));
}

TEST_CASE("config: unknown rule ids are errors, or notes in a migrated config") {
  auto c = parse_config("[rules_config]\ndisable = [\"nope\"]\n", "k.toml");
  REQUIRE(c.ok());
  auto known = [](const std::string& id) { return id == "yes"; };
  auto st = check_rule_ids(*c, known);
  REQUIRE(st);
  CHECK_THAT(st->message, Catch::StartsWith("k.toml:2: unknown rule 'nope'"));
  c->migrated = true;
  CHECK(!check_rule_ids(*c, known));
  CHECK(c->notes.size() == 1);
}

TEST_CASE("config: AllowMatcher applies path regexes and per-rule regexes") {
  auto c = parse_config(R"(
[allowlist]
path_regexes = ['(^|/)vendor/']
[rule.r1]
allow_regexes = ['^abc']
stopwords = ["dummy"]
allow_path_regexes = ['\.md$']
)", "k.toml");
  REQUIRE(c.ok());
  AllowMatcher m(*c);
  CHECK(m.allows("r2", "lib/vendor/x.py", "secret"));
  CHECK(!m.allows("r2", "lib/x.py", "abcdef"));
  CHECK(m.allows("r1", "lib/x.py", "abcdef"));
  CHECK(m.allows("r1", "lib/x.py", "xxDUMMYxx"));
  CHECK(m.allows("r1", "README.md", "zzz"));
  CHECK(!m.allows("r1", "lib/x.py", "zzz"));
}

TEST_CASE("gitleaks: detection by name and by keys") {
  CHECK(looks_like_gitleaks_config("", "/x/.gitleaks.toml"));
  CHECK(looks_like_gitleaks_config("", "betterleaks.toml"));
  CHECK(!looks_like_gitleaks_config("title = \"x\"", ".keyward.toml"));
  CHECK(looks_like_gitleaks_config("[[rules]]\nid = \"a\"\nregex = 'x'\nsecretGroup = 1\n", "team.toml"));
  CHECK(!looks_like_gitleaks_config("[[rules]]\nid = \"a\"\nregex = 'x'\nsecret_group = 1\n", "team.toml"));
}

TEST_CASE("gitleaks: conversion and precise notes") {
  auto c = convert_gitleaks_config(R"(title = "t"
[[rules]]
id = "Acme_Key"
description = "ACME"
regex = '''acme_([a-z0-9]{8})'''
entropy = 2.5
keywords = ["ACME_"]
  [rules.allowlist]
  regexTarget = "line"
  regexes = ['x']
  stopwords = ["test"]
[[rules]]
id = "look"
regex = '''tok_(?!abc)[a-z]{4}'''
[[rules]]
id = "two-groups"
regex = '''(a)(b)'''
[allowlist]
targetRules = ["look"]
paths = ['''\.lock$''']
)", "g.toml");
  REQUIRE(c.ok());
  REQUIRE(c->rules.size() == 2);
  CHECK(c->rules[0].id == "acme-key");
  CHECK(c->rules[0].secret_group == 1);  // exactly one group: gitleaks takes it
  CHECK(c->rules[0].min_entropy == 2.5);
  CHECK(c->rules[0].keywords == std::vector<std::string>{"acme_"});
  CHECK(c->rules[1].secret_group == 0);  // two groups, none named: the whole match
  CHECK(c->overrides["acme-key"].allow_regexes.empty());  // the line regex is not converted
  CHECK(c->overrides["acme-key"].stopwords.contained_in("ACME_TEST_1234"));
  CHECK(c->overrides["look"].allow_path_regexes.size() == 1);
  std::string all;
  for (auto& n : c->notes) all += n + "\n";
  CHECK_THAT(all, Catch::Contains("g.toml:2: rule 'Acme_Key': renamed 'acme-key'"));
  CHECK_THAT(all, Catch::Contains("regexTarget = \"line\""));
  CHECK_THAT(all, Catch::Contains("rule 'look': regex not converted: it uses a lookaround '(?!...)'"));
}

TEST_CASE("config: a list of a million stopwords loads compactly and matches by substring, any case") {
  const int kWords = 1000000;
  std::string text = "[allowlist]\nstopwords = [\n";
  for (int i = 0; i < kWords; ++i) text += "\"w" + std::to_string(7919LL * i) + "x\",\n";
  text += "\"Dummy\"]\n";
  auto c = parse_config(text, "big.toml");
  REQUIRE(c.ok());
  CHECK(c->stopwords.size() == 1000001);
  AllowMatcher m(*c);
  CHECK(m.allows("r", "a.py", "ghp_W7919Xabc"));    // "w7919x", any case
  CHECK(m.allows("r", "a.py", "tok_DUMMYvalue"));
  CHECK_FALSE(m.allows("r", "a.py", "ghp_w7919abc"));  // no such word
  CHECK_FALSE(m.allows("r", "a.py", "ghp_w7918x"));
}
