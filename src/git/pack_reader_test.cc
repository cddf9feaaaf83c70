// The pack reader's cache in both modes against libgit2, on the two pack shapes a sweep
// meets: fast-import's (each tree a delta of its previous version) and git repack's
// (newer versions whole, older ones deltas of them).
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "git_handles.h"
#include "pack_order.h"
#include "pack_reader.h"
#include "testing.h"

namespace {

using namespace keyward;

using keyward::testing::shell_output;

// A history of `commits` commits over 30 directories of 4 files, each commit rewriting 3
// files, written by git fast-import (which stores each tree as a delta of its previous
// version, up to 50 deep); repacked with git repack -adf when `repack`.
struct History {
  GitLibrary lib;
  std::string dir;
  RepoPtr repo;
  OdbPtr odb;
  std::vector<git_oid> trees_oldest_first;  // every commit's trees, each once, as a walk meets them

  History(int commits, bool repack) {
    char tmpl[] = "/tmp/keyward-packreader-XXXXXX";
    dir = ::mkdtemp(tmpl);
    shell_output("git init -q " + dir);
    std::string stream = dir + "/stream";
    {
      std::ofstream f(stream, std::ios::binary);
      std::mt19937 rng(7);
      for (int c = 0; c < commits; ++c) {
        f << "commit refs/heads/main\ncommitter T <t@e.invalid> " << 1700000000 + c << " +0000\n";
        std::string msg = "c" + std::to_string(c);
        f << "data " << msg.size() << "\n" << msg << "\n";
        for (int k = 0; k < (c ? 3 : 120); ++k) {
          int file = c ? int(rng() % 120) : k;
          std::string body = "version " + std::to_string(c) + " of file " + std::to_string(file) + "\n";
          f << "M 100644 inline d" << file / 4 << "/sub/f" << file % 4 << ".txt\ndata " << body.size() << "\n"
            << body << "\n";
        }
      }
    }
    shell_output("git -C " + dir + " fast-import --quiet < " + stream);
    if (repack) shell_output("git -C " + dir + " repack -adfq --depth=50 --window=50");
    git_repository* raw = nullptr;
    REQUIRE(git_repository_open(&raw, dir.c_str()) == 0);
    repo.reset(raw);
    git_odb* raw_odb = nullptr;
    REQUIRE(git_repository_odb(&raw_odb, repo.get()) == 0);
    odb.reset(raw_odb);
    // Each commit's root tree, then the trees it changed: about the order a walk from the
    // oldest commit reads them in.
    std::string log = shell_output("git -C " + dir + " log --reverse --format=%T -r -t --raw --no-abbrev main");
    std::set<std::string> seen;
    size_t at = 0;
    while (at < log.size()) {
      size_t nl = log.find('\n', at);
      if (nl == std::string::npos) nl = log.size();
      std::string line = log.substr(at, nl - at);
      at = nl + 1;
      std::string hex;
      if (line.size() == GIT_OID_HEXSZ) {
        hex = line;
      } else if (line.rfind(":", 0) == 0) {
        // ":<old mode> <new mode> <old id> <new id> <status>\t<path>"
        std::istringstream fields(line);
        std::string old_mode, new_mode, old_id, new_id;
        fields >> old_mode >> new_mode >> old_id >> new_id;
        if (new_mode == "040000") hex = new_id;
      }
      if (hex.empty() || !seen.insert(hex).second) continue;
      git_oid id;
      REQUIRE(git_oid_fromstr(&id, hex.c_str()) == 0);
      trees_oldest_first.push_back(id);
    }
    REQUIRE(trees_oldest_first.size() > size_t(commits));
  }
  ~History() {
    odb.reset();
    repo.reset();
    shell_output("rm -rf " + dir);
  }

  std::string libgit2_read(const git_oid& id, git_object_t* type) {
    git_odb_object* raw = nullptr;
    REQUIRE(git_odb_read(&raw, odb.get(), &id) == 0);
    OdbObjectPtr obj(raw);
    *type = git_odb_object_type(obj.get());
    return std::string(static_cast<const char*>(git_odb_object_data(obj.get())), git_odb_object_size(obj.get()));
  }
};

std::vector<git_oid> all_objects(git_odb* odb) {
  std::vector<git_oid> all;
  git_odb_foreach(
      odb,
      [](const git_oid* id, void* p) {
        static_cast<std::vector<git_oid>*>(p)->push_back(*id);
        return 0;
      },
      &all);
  return all;
}

}  // namespace

TEST_CASE("pack reader: every mode and cache size reads what libgit2 reads, in any order", "[pack_reader]") {
  for (bool repack : {false, true}) {
    History h(80, repack);
    auto packs = PackIndexes::open(h.dir + "/.git/objects");
    REQUIRE(packs.packs() == 1);
    std::vector<git_oid> all = all_objects(h.odb.get());
    REQUIRE(all.size() > 300);
    for (auto mode : {PackObjectReader::Mode::Few, PackObjectReader::Mode::Sweep, PackObjectReader::Mode::Diffs})
      for (size_t cache : {size_t(0), size_t(4) << 10, size_t(1) << 20}) {
        INFO("repack " << repack << ", mode " << int(mode) << ", cache " << cache);
        PackObjectReader reader(packs, cache, mode);
        // Trees oldest first (a sweep's order), then every object by id, each twice.
        std::vector<git_oid> order = h.trees_oldest_first;
        for (auto& id : all) order.push_back(id), order.push_back(id);
        for (auto& id : order) {
          git_object_t type = GIT_OBJECT_INVALID, want_type;
          auto data = reader.read(id, &type);
          REQUIRE(data);
          std::string want = h.libgit2_read(id, &want_type);
          REQUIRE(type == want_type);
          REQUIRE(*data == want);
        }
        CHECK(reader.cached_bytes() <= cache);
      }
  }
}

TEST_CASE("pack reader: a sweep's reader resolves each tree of a fast-import pack once, in a small cache",
          "[pack_reader]") {
  History h(200, /*repack=*/false);
  auto packs = PackIndexes::open(h.dir + "/.git/objects");
  // Deltas really chain: some tree's base is more than one commit back.
  std::string depth = shell_output("git -C " + h.dir + " verify-pack -v " + h.dir +
                         "/.git/objects/pack/*.idx | grep -c 'chain length = [5-9]'");
  REQUIRE(std::atoi(depth.c_str()) > 0);
  // Far less than the history's trees, more than one version of each directory.
  const size_t cache = size_t(32) << 10;
  struct Outcome {
    size_t misses, cached;
  };
  auto walk = [&](PackObjectReader::Mode mode, size_t bytes) {
    PackObjectReader reader(packs, bytes, mode);
    for (auto& id : h.trees_oldest_first) {
      git_object_t type;
      REQUIRE(reader.read(id, &type));
    }
    return Outcome{reader.cache_misses(), reader.cached_bytes()};
  };
  // One inflate per tree: each one's base is still cached when it is read.
  CHECK(walk(PackObjectReader::Mode::Sweep, cache).misses == h.trees_oldest_first.size());
  CHECK(walk(PackObjectReader::Mode::Diffs, cache).misses == h.trees_oldest_first.size());
  // A plain LRU of the same size re-inflates chains.
  CHECK(walk(PackObjectReader::Mode::Few, cache).misses > h.trees_oldest_first.size());
  // Given room, a walk's reader still holds only what later reads are owed (about one
  // version of each directory), a diff's keeps what was read too.
  const size_t roomy = size_t(4) << 20;
  Outcome sweep = walk(PackObjectReader::Mode::Sweep, roomy), diffs = walk(PackObjectReader::Mode::Diffs, roomy);
  CHECK(sweep.misses == h.trees_oldest_first.size());
  CHECK(sweep.cached < cache);
  CHECK(diffs.cached > 2 * sweep.cached);
}

TEST_CASE("pack reader: an object's size is read without resolving it, deltas too", "[pack_reader]") {
  History h(60, /*repack=*/true);
  auto packs = PackIndexes::open(h.dir + "/.git/objects");
  PackObjectReader reader(packs, 0);
  size_t deltas = 0;
  for (auto& id : all_objects(h.odb.get())) {
    PackPosition pos = packs.find(id);
    REQUIRE(pos.pack == 0);
    PackIndexes::Entry e;
    REQUIRE(packs.entry(pos, &e));
    if (e.type == 6 || e.type == 7) ++deltas;
    uint64_t size = 0;
    REQUIRE(reader.size_at(pos, &size));
    size_t want = 0;
    git_object_t type;
    REQUIRE(git_odb_read_header(&want, &type, h.odb.get(), &id) == 0);
    CHECK(size == want);
  }
  CHECK(deltas > 50);
}

TEST_CASE("pack reader: a diff that starts late in history is not crowded out by the versions it skipped",
          "[pack_reader]") {
  History h(200, /*repack=*/false);
  auto packs = PackIndexes::open(h.dir + "/.git/objects");
  // The later half of the trees, as attribution reads them when its first target is late:
  // each directory's first read resolves the chain through versions never asked for.
  std::vector<git_oid> late(h.trees_oldest_first.begin() + h.trees_oldest_first.size() / 2,
                            h.trees_oldest_first.end());
  auto misses = [&](size_t bytes) {
    PackObjectReader reader(packs, bytes, PackObjectReader::Mode::Diffs);
    for (auto& id : late) {
      git_object_t type;
      REQUIRE(reader.read(id, &type));
    }
    return reader.cache_misses();
  };
  // A small cache does as well as a roomy one: what it holds is what later reads need.
  CHECK(misses(size_t(32) << 10) == misses(size_t(4) << 20));
}
