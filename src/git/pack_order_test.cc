#include "pack_order.h"
#include "testing.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using keyward::testing::shell_output;

}  // namespace

TEST_CASE("pack offsets read from .idx files agree with git show-index") {
  char tmpl[] = "/tmp/keyward-pack-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  std::string git = "git -C " + dir + " -c user.name=T -c user.email=t@e.invalid ";
  shell_output("git init -q " + dir);
  for (int i = 0; i < 20; ++i) {
    std::ofstream(dir + "/f" + std::to_string(i % 7) + ".txt") << "content " << i << '\n';
    shell_output(git + "add -A && " + git + "commit -qm c" + std::to_string(i));
  }
  shell_output(git + "repack -adq");
  std::string idx = shell_output("ls " + dir + "/.git/objects/pack/*.idx");
  idx.erase(idx.find_last_not_of('\n') + 1);
  std::istringstream lines(shell_output("git show-index < " + idx));
  auto packs = keyward::PackIndexes::open(dir + "/.git/objects");
  REQUIRE(packs.packs() == 1);
  size_t checked = 0;
  for (std::string offset, hex; lines >> offset >> hex;) {
    std::string crc;
    lines >> crc;
    git_oid id;
    REQUIRE(git_oid_fromstr(&id, hex.c_str()) == 0);
    auto pos = packs.find(id);
    CHECK(pos.pack == 0);
    CHECK(pos.offset == std::stoull(offset));
    ++checked;
  }
  CHECK(checked > 40);
  git_oid absent;
  git_oid_fromstr(&absent, "0123456789abcdef0123456789abcdef01234567");
  CHECK(packs.find(absent).pack == UINT32_MAX);
  shell_output("rm -rf " + dir);
}

TEST_CASE("a pack index whose fan-out table does not rise to its count is ignored, not read past") {
  char tmpl[] = "/tmp/keyward-pack-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  std::string packdir = dir + "/pack";
  REQUIRE(::system(("mkdir -p " + packdir).c_str()) == 0);
  // A v2 index claiming one object, with fan-out entries far larger than that: a lookup
  // that trusted them would binary-search gigabytes past the name table.
  std::string idx("\377tOc\0\0\0\2", 8);
  for (int i = 0; i < 256; ++i) {
    uint32_t v = i == 255 ? 1 : i < 5 ? 0 : 0xFFFFFF00u;
    idx += static_cast<char>(v >> 24), idx += static_cast<char>(v >> 16), idx += static_cast<char>(v >> 8),
        idx += static_cast<char>(v);
  }
  idx += std::string(20 + 4 + 4, '\x05');  // one name, one CRC, one offset
  idx += std::string(40, '\0');           // pack and index checksums
  std::ofstream(packdir + "/pack-bad.idx", std::ios::binary) << idx;
  auto packs = keyward::PackIndexes::open(dir);
  git_oid id;
  std::memset(id.id, 0x05, sizeof id.id);
  keyward::PackPosition pos = packs.find(id);
  CHECK(pos.pack == UINT32_MAX);
  REQUIRE(::system(("rm -rf " + dir).c_str()) == 0);
}

TEST_CASE("a large pack index finds every id it holds and none it lacks, clustered ids too") {
  // 60,000 ids (buckets of about 230, where the lookup starts from an interpolated guess):
  // uniform ones, runs sharing their first 9 bytes (ties in the part the guess reads), and
  // the extremes of a bucket; offsets past 2 GiB go through the large-offset table.
  std::mt19937_64 rng(14);
  std::vector<std::array<unsigned char, 20>> ids;
  auto random_id = [&] {
    std::array<unsigned char, 20> a;
    for (auto& b : a) b = static_cast<unsigned char>(rng());
    return a;
  };
  while (ids.size() < 57000) ids.push_back(random_id());
  for (int run = 0; run < 100; ++run) {
    auto base = random_id();
    for (int k = 0; k < 20; ++k) {
      auto a = base;
      a[10] = static_cast<unsigned char>(k * 7);
      a[19] = static_cast<unsigned char>(rng());
      ids.push_back(a);
    }
  }
  for (unsigned first : {0u, 0x7fu, 0xffu}) {
    std::array<unsigned char, 20> lo{}, hi{};
    lo[0] = hi[0] = static_cast<unsigned char>(first);
    hi.fill(0xff), hi[0] = static_cast<unsigned char>(first);
    ids.push_back(lo), ids.push_back(hi);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  auto be32 = [](std::string& out, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out += static_cast<char>(v >> s);
  };
  std::string idx("\377tOc\0\0\0\2", 8);
  for (unsigned b = 0; b < 256; ++b)
    be32(idx, uint32_t(std::upper_bound(ids.begin(), ids.end(), b,
                                        [](unsigned v, const std::array<unsigned char, 20>& a) { return v < a[0]; }) -
                       ids.begin()));
  for (auto& a : ids) idx.append(reinterpret_cast<const char*>(a.data()), 20);
  idx += std::string(ids.size() * 4, '\0');  // CRCs
  std::string large;
  auto offset_of = [](size_t i) { return i % 5 == 0 ? (uint64_t(3) << 30) + i * 64 : 12 + uint64_t(i) * 64; };
  for (size_t i = 0; i < ids.size(); ++i) {
    uint64_t off = offset_of(i);
    if (off < 0x80000000u) {
      be32(idx, uint32_t(off));
    } else {
      be32(idx, 0x80000000u | uint32_t(large.size() / 8));
      be32(large, uint32_t(off >> 32)), be32(large, uint32_t(off));
    }
  }
  idx += large + std::string(40, '\0');
  char tmpl[] = "/tmp/keyward-pack-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  REQUIRE(::system(("mkdir -p " + dir + "/pack").c_str()) == 0);
  std::ofstream(dir + "/pack/pack-large.idx", std::ios::binary) << idx;
  auto packs = keyward::PackIndexes::open(dir);
  REQUIRE(packs.packs() == 1);
  size_t found = 0, absent = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    git_oid id;
    git_oid_fromraw(&id, ids[i].data());
    keyward::PackPosition pos = packs.find(id);
    if (pos.pack == 0 && pos.offset == offset_of(i)) ++found;
    // A neighbour that is not in the index: the last byte changed to one no id here has.
    auto other = ids[i];
    other[19] ^= 0x5a;
    if (!std::binary_search(ids.begin(), ids.end(), other)) {
      git_oid_fromraw(&id, other.data());
      if (packs.find(id).pack == UINT32_MAX) ++absent;
      else FAIL("found an id the index does not hold");
    }
  }
  CHECK(found == ids.size());
  CHECK(absent > ids.size() / 2);
  std::vector<uint64_t> offsets = packs.offsets(0);
  REQUIRE(offsets.size() == ids.size());
  for (size_t i = 0; i < ids.size(); ++i) REQUIRE(offsets[i] == offset_of(i));
  REQUIRE(::system(("rm -rf " + dir).c_str()) == 0);
}
