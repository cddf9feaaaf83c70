// Cached rules are decoded one at a time, the first time they are needed: a warm start
// indexes the cache file and decodes no rule until a scan asks for one.
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "rule_cache.h"
#include "rule_set.h"

using namespace keyward;

namespace {

Rule make_rule(const std::string& id, const std::string& validator = "") {
  Rule r;
  r.id = id;
  r.description = "rule " + id;
  r.provider = "Example";
  r.regex = "(" + id + "_[a-z]{10})";
  r.keywords = {id + "_", "second keyword"};
  r.min_entropy = 2.75;
  r.validator = validator;
  r.references = {"https://example.invalid/" + id};
  r.advice = "a long advice line that does not fit in a short string";
  r.max_length = 99;
  r.check_placeholders = false;
  r.severity = "medium";
  r.origin = "p/" + id + ".toml";
  r.verify.kind = "http";
  r.verify.url = "https://example.invalid/check";
  r.verify.live = {200, 204};
  r.verify.headers = {"Authorization: Bearer {secret}"};
  r.revoke.note = "offline";
  r.context = {"name"};
  r.secret = "[a-z]+";
  r.name_allow = {"id"};
  r.context_line = false;
  r.hs_regex = "x";
  return r;
}

void check_same(const Rule& a, const Rule& b) {
  CHECK(a.id == b.id);
  CHECK(a.description == b.description);
  CHECK(a.provider == b.provider);
  CHECK(a.regex == b.regex);
  CHECK(a.secret_group == b.secret_group);
  CHECK(a.keywords == b.keywords);
  CHECK(a.min_entropy == b.min_entropy);
  CHECK(a.validator == b.validator);
  CHECK(a.references == b.references);
  CHECK(a.advice == b.advice);
  CHECK(a.max_length == b.max_length);
  CHECK(a.check_placeholders == b.check_placeholders);
  CHECK(a.severity == b.severity);
  CHECK(a.origin == b.origin);
  CHECK(a.verify.kind == b.verify.kind);
  CHECK(a.verify.url == b.verify.url);
  CHECK(a.verify.live == b.verify.live);
  CHECK(a.verify.invalid == b.verify.invalid);
  CHECK(a.verify.headers == b.verify.headers);
  CHECK(a.revoke.note == b.revoke.note);
  CHECK(a.context == b.context);
  CHECK(a.secret == b.secret);
  CHECK(a.name_allow == b.name_allow);
  CHECK(a.context_line == b.context_line);
  CHECK(a.hs_regex == b.hs_regex);
}

struct Cached {
  std::vector<Rule> rules;
  std::string bytes;
  std::string_view rules_part, vocabulary;
  RuleSet set;
  explicit Cached(std::vector<Rule> r) : rules(std::move(r)), bytes(serialize_rule_cache(rules, Vocabulary{})) {
    std::vector<CachedRuleRef> refs;
    REQUIRE(index_rule_cache(bytes, refs, &rules_part, &vocabulary));
    REQUIRE(refs.size() == rules.size());
    REQUIRE_FALSE(set.add_cached(rules_part, std::move(refs), nullptr));
  }
};

}  // namespace

TEST_CASE("rule_set: cached rules are decoded on first access, each as it was written", "[rules][warm]") {
  Cached c({make_rule("alpha-token", "github-crc32"), make_rule("beta-token"), make_rule("gamma-token")});
  RuleSet& set = c.set;
  REQUIRE(set.size() == 3);
  for (size_t i = 0; i < set.size(); ++i) {
    CHECK_FALSE(set.decoded(i));
    CHECK(set.id(i) == c.rules[i].id);
    CHECK(set.validator(i) == c.rules[i].validator);
  }
  const Rule& beta = set[1];
  CHECK(set.decoded(1));
  CHECK_FALSE(set.decoded(0));
  CHECK_FALSE(set.decoded(2));
  CHECK(&set[1] == &beta);  // decoded once
  check_same(beta, c.rules[1]);
  // find() looks up by id without decoding the others.
  CHECK(set.find("gamma-token") == &set[2]);
  CHECK_FALSE(set.decoded(0));
  CHECK(set.find("delta-token") == nullptr);
  check_same(set[0], c.rules[0]);
  check_same(set[2], c.rules[2]);
  // The same as decoding the whole cache at once.
  std::vector<Rule> whole;
  std::string_view rules_part, vocabulary;
  REQUIRE(deserialize_rule_cache(c.bytes, whole, &rules_part, &vocabulary));
  for (size_t i = 0; i < whole.size(); ++i) check_same(set[i], whole[i]);
  // A config rule follows the cached ones; its id must not repeat one of theirs.
  CHECK(set.add(make_rule("beta-token")));
  CHECK_FALSE(set.add(make_rule("delta-token")));
  CHECK(set.find("delta-token") == &set[3]);
  // A rule set moved keeps the rules it handed out.
  const Rule* alpha = &set[0];
  RuleSet moved = std::move(set);
  CHECK(&moved[0] == alpha);
}

TEST_CASE("rule_set: threads asking for the same cached rule get one decoding", "[rules][warm]") {
  std::vector<Rule> rules;
  for (int i = 0; i < 64; ++i) rules.push_back(make_rule("rule-" + std::to_string(i)));
  Cached c(rules);
  std::vector<std::vector<const Rule*>> seen(4);
  std::vector<std::thread> threads;
  for (auto& s : seen)
    threads.emplace_back([&c, &s] {
      for (size_t i = 0; i < c.set.size(); ++i) s.push_back(&c.set[c.set.size() - 1 - i]);
    });
  for (auto& t : threads) t.join();
  for (auto& s : seen) CHECK(s == seen[0]);
  for (size_t i = 0; i < c.set.size(); ++i) CHECK(c.set[i].id == rules[i].id);
}

TEST_CASE("rule_set: disabling cached rules decodes none of them", "[rules][warm]") {
  Cached c({make_rule("alpha-token"), make_rule("beta-token"), make_rule("gamma-token")});
  c.set.disable({"beta-token"});
  REQUIRE(c.set.size() == 2);
  CHECK_FALSE(c.set.decoded(0));
  CHECK_FALSE(c.set.decoded(1));
  CHECK(c.set.id(1) == "gamma-token");
  CHECK(c.set[1].regex == c.rules[2].regex);
  CHECK(c.set.find("beta-token") == nullptr);
  CHECK(c.set.confirmer(1) != nullptr);
}

TEST_CASE("rule_set: a cached rule with a negative capture group is refused", "[rules][warm]") {
  Rule bad = make_rule("bad-token");
  bad.secret_group = -1;
  std::string bytes = serialize_rule_cache({make_rule("good-token"), bad}, Vocabulary{});
  std::vector<CachedRuleRef> refs;
  std::string_view rules_part, vocabulary;
  REQUIRE(index_rule_cache(bytes, refs, &rules_part, &vocabulary));
  RuleSet set;
  auto err = set.add_cached(rules_part, std::move(refs), nullptr);
  REQUIRE(err);
  CHECK(err->message.find("bad-token") != std::string::npos);
}

TEST_CASE("rule_cache: the index walk rejects damage, and every rule it accepts decodes", "[rule_cache][warm]") {
  std::string bytes = serialize_rule_cache({make_rule("alpha-token"), make_rule("beta-token")}, Vocabulary{});
  std::vector<CachedRuleRef> refs;
  std::string_view rules_part, vocabulary;
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    CHECK_FALSE(index_rule_cache(bytes.substr(0, cut), refs, &rules_part, &vocabulary));
    std::vector<Rule> none;
    CHECK_FALSE(deserialize_rule_cache(bytes.substr(0, cut), none, &rules_part, &vocabulary));
  }
  CHECK_FALSE(index_rule_cache(bytes + "x", refs, &rules_part, &vocabulary));
  // Any single flipped high bit: a rule the walk accepts decodes whole (decoding is not
  // checked again later); what both accept, the file's checksum guards.
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x80);
    std::vector<Rule> decoded;
    bool walked = index_rule_cache(bad, refs, &rules_part, &vocabulary);
    CHECK(walked == deserialize_rule_cache(bad, decoded, &rules_part, &vocabulary));
  }
}
