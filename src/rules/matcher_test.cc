// The matcher: Hyperscan candidates confirmed by RE2, with the secret's exact span, in one
// pass over the text; candidates at the very start and end of the buffer included.
#include "matcher.h"

#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "hs_database.h"
#include "rule_set.h"
#include "testing.h"

using namespace keyward;

namespace {

RuleSet hf_rules() {
  const char* text = R"([[rules]]
id = "hf"
description = "HF"
regex = '''(?:^|[^A-Za-z0-9_])(hf_[A-Za-z]{34})(?:[^A-Za-z0-9_]|$)'''
max_length = 40
)";
  std::vector<Rule> rules;
  REQUIRE_FALSE(RuleSet::parse_file(text, "hf.toml", rules));
  RuleSet set;
  for (auto& r : rules) REQUIRE_FALSE(set.add(r));
  return set;
}

std::vector<RawMatch> run(const Matcher& m, std::string_view text) {
  auto scratch = m.make_scratch();
  REQUIRE(scratch);
  std::vector<RawMatch> out;
  REQUIRE_FALSE(m.scan(text, *scratch, out));
  return out;
}

}  // namespace

TEST_CASE("matcher: the secret's span, at the start, middle and very end of the buffer", "[matcher]") {
  RuleSet rules = hf_rules();
  auto db = HsDatabase::compile(rules);
  REQUIRE(db);
  Matcher m(rules, *db);
  std::string tok = testing::fake_hf_token(7);
  for (std::string text : {tok, "x = '" + tok + "'\n", std::string(100000, 'a') + "\n" + tok}) {
    auto found = run(m, text);
    REQUIRE(found.size() == 1);
    CHECK(text.substr(found[0].secret_begin, found[0].secret_end - found[0].secret_begin) == tok);
  }
  CHECK(run(m, "").empty());
  CHECK(run(m, tok + "x").empty());  // the right boundary holds
}

TEST_CASE("matcher: many candidates of one rule are all confirmed, in order", "[matcher]") {
  RuleSet rules = hf_rules();
  auto db = HsDatabase::compile(rules);
  REQUIRE(db);
  Matcher m(rules, *db);
  std::string text;
  std::vector<std::string> toks;
  for (int i = 0; i < 200; ++i) {
    toks.push_back(testing::fake_hf_token(100 + i));
    text += toks.back() + (i % 2 ? "\n" : " ");
  }
  auto found = run(m, text);
  REQUIRE(found.size() == toks.size());
  for (size_t i = 0; i < found.size(); ++i)
    CHECK(text.substr(found[i].secret_begin, found[i].secret_end - found[i].secret_begin) == toks[i]);
}

TEST_CASE("hs_database: the cache key changes with any rule's regex", "[matcher]") {
  RuleSet a = hf_rules();
  std::vector<Rule> rules;
  REQUIRE_FALSE(RuleSet::parse_file("[[rules]]\nid = \"hf\"\ndescription = \"HF\"\nregex = '(hf_[A-Za-z]{33})'\n",
                                    "hf.toml", rules));
  RuleSet b;
  REQUIRE_FALSE(b.add(rules[0]));
  CHECK(HsDatabase::cache_key(a) != HsDatabase::cache_key(b));
  CHECK(HsDatabase::cache_key(a) == HsDatabase::cache_key(hf_rules()));
}

TEST_CASE("matcher: a rule's verify.pair_group span comes with the secret (an AWS key pair)", "[matcher]") {
  const char* text = R"([[rules]]
id = "pair"
description = "pair"
regex = '''(kid_[A-Z]{8}),(sec_[a-z]{10})'''
secret_group = 2
[rules.verify]
kind = "aws-sigv4"
url = "https://sts.amazonaws.com/"
region = "us-east-1"
service = "sts"
pair_group = 1
)";
  std::vector<Rule> parsed;
  REQUIRE_FALSE(RuleSet::parse_file(text, "pair.toml", parsed));
  RuleSet rules;
  for (auto& r : parsed) REQUIRE_FALSE(rules.add(r));
  auto db = HsDatabase::compile(rules);
  REQUIRE(db);
  Matcher m(rules, *db);
  std::string input = "x = kid_ABCDEFGH,sec_abcdefghij\n";
  auto found = run(m, input);
  REQUIRE(found.size() == 1);
  CHECK(input.substr(found[0].secret_begin, found[0].secret_end - found[0].secret_begin) == "sec_abcdefghij");
  CHECK(input.substr(found[0].pair_begin, found[0].pair_end - found[0].pair_begin) == "kid_ABCDEFGH");
}

TEST_CASE("hs_database: a cached database is used in place from its file and matches", "[matcher]") {
  char dir[] = "/tmp/keyward-hsdb-test-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  RuleSet rules = hf_rules();
  CacheDir cache({dir}, {});
  size_t compiles = 0;
  HsBuildOptions bo;
  bo.before_compile = [&](size_t n) { compiles += n; };
  auto cold = HsDatabase::build(rules, &cache, nullptr, bo);
  REQUIRE(cold);
  CHECK(cold->origin() == HsDatabase::Origin::Compiled);
  CHECK(compiles == 1);
  REQUIRE_FALSE(cold->cache_path().empty());
  auto warm = HsDatabase::build(rules, &cache, nullptr, bo);
  REQUIRE(warm);
  CHECK(warm->origin() == HsDatabase::Origin::Cache);
  CHECK(compiles == 1);
  // In place: the database pointer lies inside the mapped cache file, page-aligned.
  CHECK(reinterpret_cast<uintptr_t>(warm->get()) % 4096 == 0);
  Matcher m(rules, *warm);
  std::string tok = testing::fake_hf_token(7);
  auto found = run(m, "x = " + tok + "\n");
  REQUIRE(found.size() == 1);
  CHECK(found[0].secret_end - found[0].secret_begin == tok.size());
  ::unlink(warm->cache_path().c_str());
  ::rmdir(dir);
}

TEST_CASE("matcher: parts map each database's ids to rules and skip disabled ones", "[matcher]") {
  RuleSet all = hf_rules();
  std::vector<Rule> extra;
  REQUIRE_FALSE(RuleSet::parse_file("[[rules]]\nid = \"acme\"\ndescription = \"A\"\nregex = '(acme_[a-z]{12})'\n",
                                    "c.toml", extra));
  REQUIRE_FALSE(all.add(extra[0]));
  RuleSet user;
  REQUIRE_FALSE(user.add(extra[0]));
  auto defaults = HsDatabase::compile(hf_rules());
  auto mine = HsDatabase::compile(user);
  REQUIRE(defaults);
  REQUIRE(mine);
  std::string text = "a = " + testing::fake_hf_token(8) + "\nb = acme_abcdefghijkl\n";
  {
    Matcher m(all, std::vector<MatcherPart>{{&*defaults, {}}, {&*mine, {1}}});
    auto found = run(m, text);
    REQUIRE(found.size() == 2);
    CHECK(found[0].rule == 0);
    CHECK(found[1].rule == 1);
  }
  {
    // The default rule disabled: its database still reports it, the matcher drops it.
    Matcher m(all, std::vector<MatcherPart>{{&*defaults, {-1}}, {&*mine, {1}}});
    auto found = run(m, text);
    REQUIRE(found.size() == 1);
    CHECK(found[0].rule == 1);
  }
}
