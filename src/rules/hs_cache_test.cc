// A cached Hyperscan database is checked in two parts: the cache file's checksum covers its
// ends (our header, Hyperscan's header and the alignment gaps around the bytecode), and
// Hyperscan's own crc32c covers the bytecode when build() allocates the first scratch. A
// flipped byte anywhere must still cost a rebuild, said in the note, never a rule.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "hs_database.h"
#include "matcher.h"
#include "rule_set.h"
#include "testing.h"

using namespace keyward;

namespace {

// Enough rules for a database well beyond the checksummed ends (2 x 8 KiB).
RuleSet many_rules() {
  RuleSet set;
  for (int i = 0; i < 120; ++i) {
    Rule r;
    r.id = fmt::format("tok-{}", i);
    r.description = "d";
    r.regex = fmt::format("(?:^|[^A-Za-z0-9_])(t{}k_[A-Za-z0-9]{{{}}})(?:[^A-Za-z0-9_]|$)", i, 20 + i % 17);
    REQUIRE_FALSE(set.add(r));
  }
  Rule hf;
  hf.id = "hf";
  hf.description = "HF";
  hf.regex = "(?:^|[^A-Za-z0-9_])(hf_[A-Za-z]{34})(?:[^A-Za-z0-9_]|$)";
  REQUIRE_FALSE(set.add(hf));
  return set;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_all(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

}  // namespace

TEST_CASE("hs_database: a flipped byte anywhere in the cached database is a rebuild", "[matcher][warm]") {
  char dir[] = "/tmp/keyward-hscache-test-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  RuleSet rules = many_rules();
  CacheDir cache({dir}, {});
  auto cold = HsDatabase::build(rules, &cache);
  REQUIRE(cold);
  std::string path = cold->cache_path();
  REQUIRE_FALSE(path.empty());
  const std::string pristine = read_all(path);
  REQUIRE(pristine.size() > 6 * 8192);  // the middle is Hyperscan's to check
  std::string tok = testing::fake_hf_token(9);
  // Our header, Hyperscan's header and the gap before its bytecode, the bytecode's first
  // and last bytes and its middle, the bytes after it, and the trailer.
  const size_t n = pristine.size();
  // (Each flip costs a compile: one or two per region.)
  for (size_t pos : {size_t{0}, size_t{4096 + 40}, size_t{4096 + 130}, size_t{8192}, n / 2, n - 8193, n - 12 - 1,
                     n - 12, n - 1}) {
    INFO("byte " << pos << " of " << n);
    std::string bad = pristine;
    bad[pos] = static_cast<char>(bad[pos] ^ 0x20);
    write_all(path, bad);
    std::string note;
    auto db = HsDatabase::build(rules, &cache, &note);
    REQUIRE(db);
    CHECK(db->origin() == HsDatabase::Origin::Compiled);
    CHECK(note.find("damaged") != std::string::npos);
    Matcher m(rules, *db);
    auto scratch = m.make_scratch();
    REQUIRE(scratch);
    std::vector<RawMatch> found;
    REQUIRE_FALSE(m.scan("x = " + tok + "\n", *scratch, found));
    CHECK(found.size() == 1);
  }
  // The rebuilt file is whole again: used in place, without a note.
  std::string note;
  auto warm = HsDatabase::build(rules, &cache, &note);
  REQUIRE(warm);
  CHECK(warm->origin() == HsDatabase::Origin::Cache);
  CHECK(note.empty());
  ::unlink(path.c_str());
  ::rmdir(dir);
}

TEST_CASE("hs_database: scratches of a cached database are copies, each usable alone", "[matcher][warm]") {
  char dir[] = "/tmp/keyward-hscache-test-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  RuleSet rules = many_rules();
  CacheDir cache({dir}, {});
  REQUIRE(HsDatabase::build(rules, &cache));
  auto warm = HsDatabase::build(rules, &cache);
  REQUIRE(warm);
  REQUIRE(warm->origin() == HsDatabase::Origin::Cache);
  Matcher m(rules, *warm);
  auto a = m.make_scratch();
  auto b = m.make_scratch();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->hs.get() != b->hs.get());
  std::string tok = testing::fake_hf_token(10);
  for (auto* s : {&*a, &*b}) {
    std::vector<RawMatch> found;
    REQUIRE_FALSE(m.scan("k = " + tok + "\n", *s, found));
    CHECK(found.size() == 1);
  }
  ::unlink(warm->cache_path().c_str());
  ::rmdir(dir);
}
