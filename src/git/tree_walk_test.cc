// The raw tree parser, the path table and the pack reader against libgit2 and git.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <string>

#include "git_handles.h"
#include "object_walk.h"
#include "pack_reader.h"
#include "path_table.h"
#include "tree_parser.h"
#include "testing.h"

namespace {

using namespace keyward;

using keyward::testing::shell_output;

struct TempRepo {
  GitLibrary lib;
  std::string dir;
  RepoPtr repo;
  TempRepo() {
    char tmpl[] = "/tmp/keyward-tree-XXXXXX";
    dir = ::mkdtemp(tmpl);
    shell_output("git init -q " + dir);
    git_repository* raw = nullptr;
    REQUIRE(git_repository_open(&raw, dir.c_str()) == 0);
    repo.reset(raw);
  }
  ~TempRepo() {
    repo.reset();
    shell_output("rm -rf " + dir);
  }
};

std::string random_name(std::mt19937& rng) {
  // Names git sorts in interesting ways: '-', '.', '/'-adjacent bytes, UTF-8, spaces.
  static const std::string alphabet = "ab-._~ Z09\x7f\xc3\xa9";
  std::string s;
  size_t n = 1 + rng() % 12;
  while (s.size() < n) s += alphabet[rng() % alphabet.size()];
  if (s == "." || s == "..") s += "x";
  return s;
}

}  // namespace

TEST_CASE("raw tree entries parse as libgit2 parses them, on random trees") {
  TempRepo t;
  git_odb* raw_odb = nullptr;
  REQUIRE(git_repository_odb(&raw_odb, t.repo.get()) == 0);
  OdbPtr odb(raw_odb);
  std::mt19937 rng(7);
  git_oid blob, sub;
  REQUIRE(git_blob_create_from_buffer(&blob, t.repo.get(), "x", 1) == 0);
  {
    git_treebuilder* b = nullptr;
    REQUIRE(git_treebuilder_new(&b, t.repo.get(), nullptr) == 0);
    REQUIRE(git_treebuilder_insert(nullptr, b, "leaf", &blob, GIT_FILEMODE_BLOB) == 0);
    REQUIRE(git_treebuilder_write(&sub, b) == 0);
    git_treebuilder_free(b);
  }
  const git_filemode_t modes[] = {GIT_FILEMODE_BLOB, GIT_FILEMODE_BLOB_EXECUTABLE, GIT_FILEMODE_LINK,
                                  GIT_FILEMODE_TREE, GIT_FILEMODE_COMMIT};
  for (int round = 0; round < 200; ++round) {
    git_treebuilder* b = nullptr;
    REQUIRE(git_treebuilder_new(&b, t.repo.get(), nullptr) == 0);
    size_t n = rng() % 40;
    for (size_t i = 0; i < n; ++i) {
      git_filemode_t m = modes[rng() % 5];
      git_oid id = m == GIT_FILEMODE_TREE ? sub : blob;
      if (m == GIT_FILEMODE_COMMIT) git_oid_fromstr(&id, "0123456789abcdef0123456789abcdef01234567");
      git_treebuilder_insert(nullptr, b, random_name(rng).c_str(), &id, m);  // duplicates replace
    }
    git_oid tree_id;
    REQUIRE(git_treebuilder_write(&tree_id, b) == 0);
    git_treebuilder_free(b);

    git_tree* raw_tree = nullptr;
    REQUIRE(git_tree_lookup(&raw_tree, t.repo.get(), &tree_id) == 0);
    TreePtr tree(raw_tree);
    git_odb_object* raw_obj = nullptr;
    REQUIRE(git_odb_read(&raw_obj, odb.get(), &tree_id) == 0);
    OdbObjectPtr obj(raw_obj);
    std::string_view data(static_cast<const char*>(git_odb_object_data(obj.get())), git_odb_object_size(obj.get()));

    size_t at = 0, k = 0;
    RawTreeEntry e;
    while (at < data.size()) {
      REQUIRE(next_tree_entry(data, &at, &e));
      REQUIRE(k < git_tree_entrycount(tree.get()));
      const git_tree_entry* ref = git_tree_entry_byindex(tree.get(), k++);
      CHECK(e.name == std::string_view(git_tree_entry_name(ref)));
      CHECK(std::memcmp(e.oid, git_tree_entry_id(ref)->id, GIT_OID_RAWSZ) == 0);
      CHECK(normalized_filemode(e.mode) == git_tree_entry_filemode(ref));
    }
    CHECK(at == data.size());
    CHECK(k == git_tree_entrycount(tree.get()));
  }
}

TEST_CASE("malformed raw tree entries are refused, never read past") {
  std::string id(GIT_OID_RAWSZ, '\x11');
  auto parses = [](const std::string& s) {
    size_t at = 0;
    RawTreeEntry e;
    return next_tree_entry(s, &at, &e);
  };
  CHECK(parses("100644 a" + std::string(1, '\0') + id));
  CHECK_FALSE(parses("100644 a" + std::string(1, '\0') + id.substr(0, 19)));  // short id
  CHECK_FALSE(parses("100644 a"));                                             // no NUL
  CHECK_FALSE(parses("10064x a" + std::string(1, '\0') + id));                  // not octal
  CHECK_FALSE(parses(" a" + std::string(1, '\0') + id));                        // no mode
  CHECK_FALSE(parses("1000000 a" + std::string(1, '\0') + id));                 // mode too large
  CHECK_FALSE(parses("100644"));                                                // no space
  CHECK(normalized_filemode(0100664) == GIT_FILEMODE_BLOB);
  CHECK(normalized_filemode(040000) == GIT_FILEMODE_TREE);
  CHECK(normalized_filemode(0160000) == GIT_FILEMODE_COMMIT);
  CHECK(normalized_filemode(0120000) == GIT_FILEMODE_LINK);
  CHECK(normalized_filemode(0100755) == GIT_FILEMODE_BLOB_EXECUTABLE);
}

TEST_CASE("the path table interns each distinct path once and rebuilds it") {
  PathTable t;
  bool fresh = false;
  uint32_t a = t.intern(PathTable::kRoot, "a", &fresh);
  CHECK(fresh);
  uint32_t ab = t.intern(a, "b", &fresh);
  CHECK(fresh);
  CHECK(t.intern(a, "b", &fresh) == ab);
  CHECK_FALSE(fresh);
  CHECK(t.path(ab) == "a/b");
  CHECK(t.path(PathTable::kRoot).empty());
  CHECK(t.path(PathTable::kNone).empty());
  CHECK(t.intern_path("a/b") == ab);
  // Many paths, deep ones too: every id keeps its path while the table grows.
  std::vector<std::pair<uint32_t, std::string>> all;
  uint32_t deep = PathTable::kRoot;
  std::string deep_path;
  for (int i = 0; i < 50000; ++i) {
    std::string name = "d" + std::to_string(i % 977);
    deep = t.intern(deep, name);
    deep_path += (deep_path.empty() ? "" : "/") + name;
    if (i % 1000 == 0) all.emplace_back(deep, deep_path);
    uint32_t leaf = t.intern(a, "f" + std::to_string(i));
    if (i % 997 == 0) all.emplace_back(leaf, "a/f" + std::to_string(i));
  }
  for (auto& [id, p] : all) CHECK(t.path(id) == p);
  CHECK(t.intern_path(deep_path) == deep);
}

TEST_CASE("a path's tail is its last name whole and the context before it, a suffix of the path") {
  PathTable t;
  uint32_t at = PathTable::kRoot;
  std::string whole;
  std::vector<std::pair<uint32_t, std::string>> all;
  std::mt19937 rng(41);
  for (int i = 0; i < 400; ++i) {
    std::string name(1 + rng() % (i % 50 == 0 ? 3000 : 12), char('a' + i % 26));
    at = t.intern(at, name);
    whole += (whole.empty() ? "" : "/") + name;
    all.emplace_back(at, whole);
  }
  for (auto& [id, p] : all) {
    for (size_t context : {size_t(0), size_t(1), size_t(7), size_t(1024), size_t(1) << 20}) {
      std::string out = "x";  // appended, not replaced
      t.append_tail(id, context, out);
      std::string tail = out.substr(1);
      size_t last = p.size() - (p.rfind('/') == std::string::npos ? 0 : p.rfind('/') + 1);
      size_t expect = std::min(p.size(), last + context);
      REQUIRE(tail.size() == expect);
      CHECK(p.compare(p.size() - expect, expect, tail) == 0);
    }
  }
  std::string none;
  t.append_tail(PathTable::kRoot, 10, none);
  t.append_tail(PathTable::kNone, 10, none);
  CHECK(none.empty());
}

TEST_CASE("git deltas apply as git writes them, and malformed ones are refused") {
  std::string out;
  // base "hello world", target "hello there world": copy 6, insert "there ", copy 5.
  std::string base = "hello world";
  std::string delta;
  delta += char(11);                       // source size
  delta += char(17);                       // target size
  delta += char(0x80 | 0x10), delta += char(6);  // copy offset 0, length 6
  delta += char(6) + std::string("there ");
  delta += char(0x80 | 0x01 | 0x10), delta += char(6), delta += char(5);  // copy offset 6, length 5
  REQUIRE(apply_git_delta(base, delta, out));
  CHECK(out == "hello there world");
  CHECK_FALSE(apply_git_delta("short", delta, out));  // wrong source size
  std::string past = delta;
  past[past.size() - 2] = char(7);  // copy past the base's end
  CHECK_FALSE(apply_git_delta(base, past, out));
  std::string zero = delta.substr(0, 2) + std::string(1, '\0');
  CHECK_FALSE(apply_git_delta(base, zero, out));  // reserved instruction
}

TEST_CASE("objects read from packs with delta chains equal what libgit2 reads") {
  TempRepo t;
  std::string git = "git -C " + t.dir + " -c user.name=T -c user.email=t@e.invalid ";
  // Many versions of the same files and trees: repack makes long delta chains of both.
  for (int i = 0; i < 60; ++i) {
    shell_output("mkdir -p " + t.dir + "/d/e");
    std::ofstream(t.dir + "/d/e/f.txt", std::ios::app) << "line " << i << " of a file that grows slowly\n";
    std::ofstream(t.dir + "/d/g" + std::to_string(i % 5) + ".txt") << "version " << i << '\n';
    shell_output(git + "add -A && " + git + "commit -qm c" + std::to_string(i));
  }
  shell_output(git + "repack -adfq --depth=50 --window=50");
  git_odb* raw_odb = nullptr;
  REQUIRE(git_repository_odb(&raw_odb, t.repo.get()) == 0);
  OdbPtr odb(raw_odb);
  std::vector<git_oid> all;
  git_odb_foreach(
      odb.get(),
      [](const git_oid* id, void* p) {
        static_cast<std::vector<git_oid>*>(p)->push_back(*id);
        return 0;
      },
      &all);
  REQUIRE(all.size() > 200);
  auto packs = PackIndexes::open(t.dir + "/.git/objects");
  for (size_t cache : {size_t(0), size_t(1) << 20}) {  // no cache at all, and a warm one
    PackObjectReader reader(packs, cache);
    size_t read = 0;
    for (auto& id : all) {
      git_object_t type;
      auto data = reader.read(id, &type);
      REQUIRE(data);
      git_odb_object* raw = nullptr;
      REQUIRE(git_odb_read(&raw, odb.get(), &id) == 0);
      OdbObjectPtr obj(raw);
      CHECK(type == git_odb_object_type(obj.get()));
      CHECK(*data == std::string(static_cast<const char*>(git_odb_object_data(obj.get())),
                                 git_odb_object_size(obj.get())));
      ++read;
    }
    CHECK(read == all.size());
  }
  // The pack really holds delta chains (of more than one link).
  std::string chains = shell_output("git verify-pack -v " + t.dir + "/.git/objects/pack/*.idx | grep -c 'chain length = [2-9]'");
  CHECK(std::atoi(chains.c_str()) > 0);
}
