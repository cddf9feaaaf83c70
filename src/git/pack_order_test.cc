#include "pack_order.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

}  // namespace

TEST_CASE("pack offsets read from .idx files agree with git show-index") {
  char tmpl[] = "/tmp/keyward-pack-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  std::string git = "git -C " + dir + " -c user.name=T -c user.email=t@e.invalid ";
  run("git init -q " + dir);
  for (int i = 0; i < 20; ++i) {
    std::ofstream(dir + "/f" + std::to_string(i % 7) + ".txt") << "content " << i << '\n';
    run(git + "add -A && " + git + "commit -qm c" + std::to_string(i));
  }
  run(git + "repack -adq");
  std::string idx = run("ls " + dir + "/.git/objects/pack/*.idx");
  idx.erase(idx.find_last_not_of('\n') + 1);
  std::istringstream lines(run("git show-index < " + idx));
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
  run("rm -rf " + dir);
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
