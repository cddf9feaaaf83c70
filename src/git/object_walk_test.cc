// The history walk on real repositories built with git: commit order, one entry per
// distinct blob at its first place outside the allowlist, what a commit introduces, ranges,
// and a deeply nested tree.
#include "object_walk.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "git_handles.h"

namespace keyward {
namespace {

struct Repo {
  std::string dir;
  Repo() {
    char tmpl[] = "/tmp/keyward-object-walk-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
  }
  ~Repo() { std::system(("rm -rf '" + dir + "'").c_str()); }

  void run(const std::string& body) {
    std::string script = dir + ".sh";
    {
      std::ofstream f(script);
      f << "set -e\nexport GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME=" << dir << "\n"
        << "export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t "
           "GIT_COMMITTER_EMAIL=t@example.invalid\n"
        << "cd '" << dir << "'\n"
        << body;
    }
    int rc = std::system(("sh '" + script + "' >/dev/null 2>&1").c_str());
    std::remove(script.c_str());
    REQUIRE(rc == 0);
  }

  RepoPtr open() {
    git_repository* raw = nullptr;
    REQUIRE(git_repository_open(&raw, dir.c_str()) == 0);
    return RepoPtr(raw);
  }

  git_oid rev(git_repository* repo, const std::string& spec) {
    git_object* obj = nullptr;
    REQUIRE(git_revparse_single(&obj, repo, spec.c_str()) == 0);
    ObjectPtr owned(obj);
    return *git_object_id(obj);
  }
};

bool same(const git_oid& a, const git_oid& b) { return git_oid_equal(&a, &b) != 0; }

}  // namespace

TEST_CASE("object walk: commits in history order, each distinct blob once at its first unallowlisted place",
          "[object_walk]") {
  GitLibrary lib;
  Repo r;
  r.run("git init -q -b main .\n"
        "mkdir -p dir vendor\n"
        "echo one > a.txt; echo shared > vendor/copy.txt; echo only-vendored > vendor/v.txt\n"
        "git add -A; git commit -q -m first\n"
        "echo shared > dir/b.txt; echo two > a.txt\n"
        "git add -A; git commit -q -m second\n");
  RepoPtr repo = r.open();
  auto graph = load_history(repo.get(), false);
  REQUIRE(graph);
  REQUIRE(graph->commits.size() == 2);
  CHECK(same(graph->commits[0].id, r.rev(repo.get(), "main~1")));  // parents before children
  CHECK(same(graph->commits[1].id, r.rev(repo.get(), "main")));
  CHECK(graph->commits[1].parents.size() == 1);
  CHECK(graph->commits[0].reach == Reach::Ref);

  auto vendored = [](std::string_view p) { return p.rfind("vendor/", 0) == 0; };
  std::map<std::string, std::string> scannable;  // oid -> path given to on_scannable
  BlobSet walked;
  REQUIRE_FALSE(collect_blobs(repo.get(), *graph, vendored, walked, [&](uint32_t, const BlobEntry& b) {
    scannable[oid_hex(b.id)] = walked.path_of(b);
  }));
  const BlobSet* set = &walked;
  CHECK(set->blobs.size() == 4);  // one, two, shared, only-vendored
  std::map<std::string, const BlobEntry*> by_content;
  for (const BlobEntry& b : set->blobs) by_content[oid_hex(b.id)] = &b;
  const BlobEntry& shared = *by_content.at(oid_hex(r.rev(repo.get(), "main:dir/b.txt")));
  CHECK(shared.scannable);
  CHECK(set->path_of(shared) == "dir/b.txt");  // not vendor/copy.txt, where the walk met it first
  const BlobEntry& vend = *by_content.at(oid_hex(r.rev(repo.get(), "main:vendor/v.txt")));
  CHECK_FALSE(vend.scannable);
  CHECK(scannable.size() == 3);
  CHECK(scannable.count(oid_hex(vend.id)) == 0);
  CHECK(scannable.at(oid_hex(shared.id)) == "dir/b.txt");

  // What the second commit introduces: the new a.txt and the copy at dir/b.txt.
  std::map<std::string, std::string> introduced;
  REQUIRE_FALSE(introduced_blobs(repo.get(), graph->commits[1], [&](const git_oid& id, const std::string& p) {
    introduced[p] = oid_hex(id);
  }));
  CHECK(introduced.size() == 2);
  CHECK(introduced.at("a.txt") == oid_hex(r.rev(repo.get(), "main:a.txt")));
  CHECK(introduced.at("dir/b.txt") == oid_hex(shared.id));

  // A range hides what the older commit reaches.
  auto range = load_range(repo.get(), {r.rev(repo.get(), "main")}, {r.rev(repo.get(), "main~1")});
  REQUIRE(range);
  REQUIRE(range->commits.size() == 1);
  CHECK(same(range->commits[0].id, r.rev(repo.get(), "main")));
}

TEST_CASE("object walk: reflog-only commits are reached, and said so", "[object_walk]") {
  GitLibrary lib;
  Repo r;
  r.run("git init -q -b main .\n"
        "echo one > a.txt; git add a.txt; git commit -q -m first\n"
        "echo lost > a.txt; git commit -q -am second\n"
        "git reset -q --hard HEAD~1\n");
  RepoPtr repo = r.open();
  auto graph = load_history(repo.get(), false);
  REQUIRE(graph);
  REQUIRE(graph->commits.size() == 2);
  size_t reflog_only = 0;
  for (auto& c : graph->commits) reflog_only += c.reach == Reach::Reflog;
  CHECK(reflog_only == 1);
  CHECK(std::string(reach_name(Reach::Reflog)) == "reflog");
  CHECK(std::string(reach_name(Reach::Ref)).empty());
}

TEST_CASE("object walk: a tree nested 500 levels deep is walked whole, to its full path", "[object_walk]") {
  GitLibrary lib;
  Repo r;
  // Built with plumbing: 500 trees, each holding the one below it.
  r.run("git init -q -b main .\n"
        "blob=$(echo deep | git hash-object -w --stdin)\n"
        "t=$(printf '100644 blob %s\\tleaf.txt\\n' $blob | git mktree)\n"
        "i=0; while [ $i -lt 500 ]; do t=$(printf '040000 tree %s\\td\\n' $t | git mktree); i=$((i+1)); done\n"
        "c=$(echo deep | git commit-tree $t); git update-ref refs/heads/main $c\n");
  RepoPtr repo = r.open();
  auto graph = load_history(repo.get(), false);
  REQUIRE(graph);
  REQUIRE(graph->commits.size() == 1);
  BlobSet set;
  REQUIRE_FALSE(collect_blobs(repo.get(), *graph, [](std::string_view) { return false; }, set));
  REQUIRE(set.blobs.size() == 1);
  CHECK(set.path_of(set.blobs[0]).size() == 500 * 2 + 8);  // "d/" x 500 + "leaf.txt"
  CHECK(set.blobs[0].scannable);
}

}  // namespace keyward
