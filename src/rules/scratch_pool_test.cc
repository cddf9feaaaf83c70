// The matcher's scratch pool: a scratch given back is handed out again, the first one is the
// scratch the database was checked with, and reserve_scratch copies an idle one, so a warm
// run on one thread allocates no scratch at all and n threads allocate n - 1 copies.
#include <hs/hs.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "hs_database.h"
#include "matcher.h"
#include "rule_set.h"
#include "testing.h"

using namespace keyward;

namespace {

std::atomic<int> g_allocs{0};
void* counting_alloc(size_t n) {
  ++g_allocs;
  return std::malloc(n);
}
void counting_free(void* p) { std::free(p); }

// Counts Hyperscan's scratch allocations while it lives.
struct CountScratchAllocs {
  CountScratchAllocs() {
    g_allocs = 0;
    REQUIRE(hs_set_scratch_allocator(counting_alloc, counting_free) == HS_SUCCESS);
  }
  ~CountScratchAllocs() { hs_set_scratch_allocator(nullptr, nullptr); }
  int count() const { return g_allocs.load(); }
};

Rule make_rule(const std::string& id, const std::string& regex) {
  Rule r;
  r.id = id;
  r.description = id;
  r.regex = regex;
  return r;
}

const char* kHf = "(?:^|[^A-Za-z0-9_])(hf_[A-Za-z]{34})(?:[^A-Za-z0-9_]|$)";
const char* kTok = "(?:^|[^A-Za-z0-9_])(tok_[A-Za-z0-9]{24})(?:[^A-Za-z0-9_]|$)";

RuleSet hf_only() {
  RuleSet rules;
  REQUIRE_FALSE(rules.add(make_rule("hf", kHf)));
  return rules;
}

size_t matches(const Matcher& m, MatchScratch& s, const std::string& text) {
  std::vector<RawMatch> found;
  REQUIRE_FALSE(m.scan(text, s, found));
  return found.size();
}

}  // namespace

TEST_CASE("scratch pool: the scratch given back is the one handed out next", "[matcher][warm]") {
  RuleSet rules = hf_only();
  auto db = HsDatabase::compile(rules);
  REQUIRE(db);
  Matcher m(rules, *db);
  std::string text = "k = " + testing::fake_hf_token(3) + "\n";
  CountScratchAllocs allocs;
  const hs_scratch_t* first = nullptr;
  {
    auto a = m.make_scratch();
    REQUIRE(a);
    first = a->hs.get();
    CHECK(matches(m, *a, text) == 1);
  }
  // The first scratch was the database's own (allocated when it was compiled).
  CHECK(allocs.count() == 0);
  CHECK_FALSE(db->take_scratch());
  auto b = m.make_scratch();
  REQUIRE(b);
  CHECK(b->hs.get() == first);
  CHECK(matches(m, *b, text) == 1);
  // Moved, it goes back once, from its new owner.
  MatchScratch moved = std::move(*b);
  CHECK(matches(m, moved, text) == 1);
  CHECK(allocs.count() == 0);
}

TEST_CASE("scratch pool: reserve copies an idle scratch; every thread scans with its own", "[matcher][warm]") {
  RuleSet rules = hf_only();
  auto db = HsDatabase::compile(rules);
  REQUIRE(db);
  Matcher m(rules, *db);
  CountScratchAllocs allocs;
  REQUIRE_FALSE(m.reserve_scratch(3));
  CHECK(allocs.count() == 2);  // two copies of the database's own
  REQUIRE_FALSE(m.reserve_scratch(3));
  CHECK(allocs.count() == 2);  // already ready
  std::vector<MatchScratch> held;
  for (int i = 0; i < 3; ++i) {
    auto s = m.make_scratch();
    REQUIRE(s);
    held.push_back(std::move(*s));
  }
  CHECK(allocs.count() == 2);
  std::set<const hs_scratch_t*> distinct;
  for (auto& s : held) distinct.insert(s.hs.get());
  CHECK(distinct.size() == 3);
  std::atomic<int> found{0};
  std::vector<std::thread> threads;
  for (size_t i = 0; i < held.size(); ++i)
    threads.emplace_back([&, i] {
      for (int k = 0; k < 50; ++k) {
        std::vector<RawMatch> out;
        if (!m.scan("x " + testing::fake_hf_token(i) + " y\n", held[i], out) && out.size() == 1) ++found;
      }
    });
  for (auto& t : threads) t.join();
  CHECK(found == 150);
  // A fourth while all three are in use: a new one, which works too.
  auto fourth = m.make_scratch();
  REQUIRE(fourth);
  CHECK(allocs.count() > 2);
  CHECK(matches(m, *fourth, "k = " + testing::fake_hf_token(9) + "\n") == 1);
}

TEST_CASE("scratch pool: copies of a scratch grown for a second database serve both", "[matcher][warm]") {
  RuleSet all, first, second;
  REQUIRE_FALSE(all.add(make_rule("hf", kHf)));
  REQUIRE_FALSE(all.add(make_rule("tok", kTok)));
  REQUIRE_FALSE(first.add(make_rule("hf", kHf)));
  REQUIRE_FALSE(second.add(make_rule("tok", kTok)));
  auto db1 = HsDatabase::compile(first);
  auto db2 = HsDatabase::compile(second);
  REQUIRE(db1);
  REQUIRE(db2);
  Matcher m(all, {MatcherPart{&*db1, {0}}, MatcherPart{&*db2, {1}}});
  REQUIRE_FALSE(m.reserve_scratch(2));
  auto a = m.make_scratch();
  auto b = m.make_scratch();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->hs.get() != b->hs.get());
  std::string text = "a = " + testing::fake_hf_token(4) + "\nb = " +
                     testing::fake_token("tok_", testing::kLetters, 24, 5) + "\n";
  CHECK(matches(m, *a, text) == 2);
  CHECK(matches(m, *b, text) == 2);
}
