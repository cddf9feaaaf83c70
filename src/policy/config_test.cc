#include "config.h"

#include <catch2/catch.hpp>

#include "gitleaks_config.h"
#include "testing.h"

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
  CHECK_THAT(err("[allowlist]\npath = []\n"), Catch::StartsWith("k.toml:2:1: unknown key 'path'"));
  CHECK_THAT(err("[alowlist]\n"), Catch::StartsWith("k.toml:1:1: unknown section 'alowlist'"));
  CHECK_THAT(err("[allowlist]\nregexes = [\"(\"]\n"), Catch::Contains("k.toml:2:") && Catch::Contains("RE2"));
  CHECK_THAT(err("[allowlist]\nstopwords = [\"\"]\n"), Catch::Contains("empty string"));
  CHECK_THAT(err("[rule.x]\nmin_entropy = 9\n"), Catch::StartsWith("k.toml:2:15: min_entropy"));
  CHECK_THAT(err("[rule.x]\nseverity = \"urgent\"\n"), Catch::StartsWith("k.toml:2:12: severity"));
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

TEST_CASE("config: errors never quote the values they are about", "[config]") {
  std::string s = testing::fake_hf_token(81);
  std::string piece = s.substr(3, 10);
  auto err = [](const std::string& text) {
    auto c = parse_config(text, "k.toml");
    REQUIRE(!c.ok());
    return c.error();
  };
  for (std::string text : {"[allowlist]\nfingerprints = [\"" + s + "\"]\n",
                           "[allowlist]\nregexes = [\"(" + s + "\"]\n",
                           "[rule.x]\nallow_regexes = [\"[" + s + "\"]\n",
                           "[allowlist]\nvalues = [\"" + s + "\"",
                           "[allowlist]\nvalues = [\"" + s + "\" \"x\"]\n",
                           "[allowlist]\nvalues = [\"" + s + "\\q\"]\n",
                           "[allowlist]\n" + s + " = 1\n",
                           "[" + s + "]\n",
                           "x = " + s + "\n",
                           "fingerprint_key = \"" + s + " x\"\n",
                           "a.b = 1\na." + s + " = 2\na." + s + " = 3\n"}) {
    std::string e = err(text);
    INFO(e);
    CHECK(e.find(piece) == std::string::npos);
    CHECK(e.rfind("k.toml:", 0) == 0);
  }
  CHECK_THAT(err("[allowlist]\nregexes = [\"ok\", \"(" + s + "\"]\n"),
             Catch::StartsWith("k.toml:2:18: 'regexes' entry 2 is not a valid RE2 regex: missing closing )"));
  CHECK_THAT(err("[allowlist]\nfingerprints = [\"" + s + "\"]\n"), Catch::StartsWith("k.toml:2:17: 'fingerprints' entry 1"));
}

TEST_CASE("config: fingerprint_key", "[config]") {
  auto c = parse_config("fingerprint_key = \"0123456789abcdef0123\"\n", "k.toml");
  REQUIRE(c.ok());
  CHECK(c->fingerprint_key == "0123456789abcdef0123");
  auto bad = parse_config("fingerprint_key = \"short\"\n", "k.toml");
  REQUIRE(!bad.ok());
  CHECK_THAT(bad.error(), Catch::StartsWith("k.toml:1:19: fingerprint_key must be at least 16"));
}

TEST_CASE("config: the server section for the pre-receive hook") {
  auto c = parse_config(R"(
[server]
refs = ["refs/heads/*"]
bypass = true
baseline = "known.baseline"
on_error = "accept"
)", "srv.toml");
  REQUIRE(c);
  CHECK(c->server.refs == std::vector<std::string>{"refs/heads/*"});
  CHECK(c->server.bypass);
  CHECK(c->server.baseline == "known.baseline");
  CHECK(c->server.fail_open);
  auto d = parse_config("", "empty.toml");
  REQUIRE(d);
  CHECK(!d->server.bypass);
  CHECK(!d->server.fail_open);
  CHECK(d->server.refs.empty());
  auto bad = parse_config("[server]\non_error = \"maybe\"\n", "srv.toml");
  REQUIRE(!bad);
  CHECK(bad.error().find("srv.toml:2") != std::string::npos);
  auto typo = parse_config("[server]\nbypas = true\n", "srv.toml");
  REQUIRE(!typo);
  CHECK(typo.error().find("unknown key 'bypas'") != std::string::npos);
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

TEST_CASE("config: [verify] settings, and extra rules never carry verification") {
  auto c = parse_config("[verify]\ntimeout = 1.5\nparallel = 2\nin_hooks = true\n", ".keyward.toml");
  REQUIRE(c);
  CHECK(c->verify.timeout == 1.5);
  CHECK(c->verify.parallel == 2);
  CHECK(c->verify.in_hooks);
  auto d = parse_config("", ".keyward.toml");
  REQUIRE(d);
  CHECK_FALSE(d->verify.in_hooks);  // hooks never verify by default
  CHECK_FALSE(parse_config("[verify]\ntimeout = 0\n", ".keyward.toml"));
  CHECK_FALSE(parse_config("[verify]\nin_hooks = \"yes\"\n", ".keyward.toml"));
  CHECK_FALSE(parse_config("[verify]\nurl = \"https://x.invalid\"\n", ".keyward.toml"));
  auto r = parse_config("[[rules]]\nid = \"team-token\"\ndescription = \"t\"\nregex = '''(tt_[a-z]{20})'''\n"
                        "[rules.verify]\nurl = \"https://elsewhere.invalid/\"\n",
                        ".keyward.toml");
  REQUIRE(r);
  REQUIRE(r->rules.size() == 1);
  CHECK(r->rules[0].verify.empty());  // a repository cannot choose where its secrets go
}
