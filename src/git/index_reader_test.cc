// The fast staged-changes path against libgit2's diff, on generated repositories built by
// real git: both must agree on the staged set, or the fast path must decline.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "git_handles.h"
#include "index_reader.h"
#include "staged_changes.h"

namespace keyward {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/keyward-index-test-XXXXXX";
    const char* p = mkdtemp(tmpl);
    REQUIRE(p != nullptr);
    path_ = p;
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs a shell script in `dir` with git isolated from the user's configuration.
int run_script(const std::string& dir, const std::string& body) {
  std::string script_path = dir + ".sh";
  {
    std::ofstream f(script_path);
    f << "export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME=" << dir << "\n"
      << "export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t "
         "GIT_COMMITTER_EMAIL=t@example.invalid\n"
      << "cd '" << dir << "' || exit 1\n"
      << body;
  }
  int rc = std::system(("sh '" + script_path + "' >/dev/null 2>&1").c_str());
  std::remove(script_path.c_str());
  return rc;
}

std::string describe(const Result<StagedSet>& r) {
  if (!r) return "error: " + r.error();
  std::ostringstream out;
  out << (r->unborn_head ? "unborn\n" : "born\n") << "deleted " << r->deleted << "\n";
  for (const auto& c : r->changes) {
    out << (c.kind == StagedChange::Kind::Added ? "A " : "M ") << c.path << " "
        << oid_hex(c.old_id) << " " << std::oct << c.old_mode << " -> " << oid_hex(c.new_id)
        << " " << c.new_mode << std::dec;
    for (const auto& from : c.renamed_from) out << " from " << from;
    if (c.conflict_stage) out << " stage " << c.conflict_stage;
    out << "\n";
  }
  for (const auto& p : r->conflicted) out << "conflicted " << p << "\n";
  return out.str();
}

// How many random repositories the differential tests build: enough for the suite to
// exercise every operation (each seed mixes them all), more on demand for a long run
// (KEYWARD_RANDOM_REPOS=500).
uint32_t random_repos(uint32_t default_count) {
  const char* env = std::getenv("KEYWARD_RANDOM_REPOS");
  long n = env ? std::strtol(env, nullptr, 10) : 0;
  return n > 0 ? static_cast<uint32_t>(n) : default_count;
}

RepoPtr open_repo(const std::string& dir) {
  git_repository* raw = nullptr;
  REQUIRE(git_repository_open(&raw, dir.c_str()) == 0);
  return RepoPtr(raw);
}

bool unsupported(const Result<StagedSet>& r) {
  return !r && r.error_code() == ErrorCode::Unsupported;
}

// A random staged state: an initial tree (maybe committed, maybe over several commits),
// then staged adds, modifications, deletions, renames, mode and type changes, symlinks,
// gitlinks, intent-to-add entries, cached-tree refreshes, and an index version switch.
struct Scenario {
  std::vector<std::pair<std::string, std::string>> files;  // written before the script runs
  std::string script;
};

Scenario random_scenario(uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
  static const char* const kNames[] = {"a", "a.c", "a-b", "a0", "b", "src", "lib", "x.y",
                                       "deep", "z", "A", "foo.txt", "data", "n1", "m"};
  static const char* const kWords[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta",
                                       "eta", "theta", "iota", "kappa"};
  auto name = [&] { return std::string(kNames[pick(std::size(kNames))]); };
  auto random_path = [&] {
    std::string p;
    size_t depth = pick(5);
    for (size_t d = 0; d < depth; ++d) p += name() + "/";
    return p + name() + (chance(50) ? ".f" : "");
  };
  auto content = [&] {
    std::string c;
    for (size_t l = 0, n = 1 + pick(4); l < n; ++l) c += std::string(kWords[pick(10)]) + " " + std::to_string(rng() % 50) + "\\n";
    return c;
  };
  auto write = [&](const std::string& p) {
    return "mkdir -p \"$(dirname '" + p + "')\" && rm -rf '" + p + "' && printf '" + content() + "' > '" + p + "'\n";
  };
  auto hex40 = [&] {
    std::string h;
    for (int k = 0; k < 40; ++k) h += "0123456789abcdef"[rng() % 16];
    return h;
  };

  Scenario out;
  std::ostringstream s;
  s << "git init -q -b main .\n";
  int version = 2 + static_cast<int>(pick(3));
  s << "git config index.version " << version << "\n";
  std::vector<std::string> files;
  for (size_t k = 0, n = 5 + pick(80); k < n; ++k) {
    files.push_back(random_path());
    // Later paths may turn earlier files into directories; the writer skips such clashes.
    std::string c = content();
    for (size_t at; (at = c.find("\\n")) != std::string::npos;) c.replace(at, 2, "\n");
    out.files.emplace_back(files.back(), c);
  }
  s << "mkdir -p keep/sub && printf 'same\\n' > keep/sub/one && printf 'same\\n' > keep/two\n";
  if (chance(20)) s << "ln -s keep/two link1\n";
  if (chance(30)) s << "chmod +x '" << files[pick(files.size())] << "'\n";
  s << "git add -A\n";
  bool born = chance(85);
  if (born) {
    s << "git commit -q -m c1\n";
    for (size_t c = 0, n = pick(3); c < n; ++c) {
      for (size_t k = 0, m = 1 + pick(5); k < m; ++k) s << write(files[pick(files.size())]);
      s << "git add -A && git commit -q -m more\n";
    }
  }
  for (size_t k = 0, n = pick(14); k < n; ++k) {
    const std::string f = files[pick(files.size())];
    switch (pick(19)) {
      case 0: case 1: s << write(f) << "git add '" << f << "'\n"; break;
      case 2: case 3: {
        std::string p = random_path();
        files.push_back(p);
        s << write(p) << "git add '" << p << "'\n";
        break;
      }
      case 4: s << "git rm -q --cached '" << f << "'\n"; break;
      case 5: {
        std::string p = random_path();
        s << "mkdir -p \"$(dirname '" << p << "')\" && git mv '" << f << "' '" << p << "'\n";
        files.push_back(p);
        break;
      }
      case 6: s << "git update-index --chmod=" << (chance(50) ? "+x" : "-x") << " '" << f << "'\n"; break;
      case 7: s << "rm -f '" << f << "' && ln -s target-" << pick(3) << " '" << f << "' && git add '" << f << "'\n"; break;
      case 8: s << "rm -f '" << f << "' && mkdir -p '" << f << "' && printf 'x\\n' > '" << f << "/inner' && git add -A\n"; break;
      case 9: {
        std::string p = random_path();
        s << write(p) << "git add -N '" << p << "'\n";
        break;
      }
      case 10: s << "git update-index --add --cacheinfo 160000," << hex40() << ",'gl" << pick(3) << "'\n"; break;
      case 11: {
        std::string p = random_path();
        s << "mkdir -p \"$(dirname '" << p << "')\" && cp '" << f << "' '" << p << "' && git add '" << p << "'\n";
        break;
      }
      case 12: s << "git rm -r -q --cached '" << name() << "'\n"; break;
      case 13: s << "git write-tree >/dev/null\n"; break;
      case 14: s << "git update-index --skip-worktree '" << f << "'\n"; break;
      case 15: s << "git reset -q --soft HEAD~1\n"; break;
      case 16: s << "cp '" << f << "' tmpcopy && printf 'extra\\n' >> '" << f << "' && git add '" << f
                 << "' && cp tmpcopy '" << f << "' && rm tmpcopy && git add '" << f << "'\n"; break;
      case 17: s << "git read-tree HEAD~1\n"; break;
      case 18: s << "d=$(dirname '" << f << "'); [ \"$d\" != . ] && git rm -r -q --cached \"$d\" && rm -rf \"$d\" && printf 'now a file\\n' > \"$d\" && git add \"$d\"\n"; break;
    }
  }
  if (chance(30)) s << "git update-index --index-version " << 2 + pick(3) << "\n";
  out.script = s.str();
  return out;
}

void write_files(const std::string& dir, const Scenario& sc) {
  for (const auto& [path, content] : sc.files) {
    std::filesystem::path p = std::filesystem::path(dir) / path;
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec || std::filesystem::is_directory(p)) continue;
    std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
  }
}

}  // namespace

TEST_CASE("fast staged path agrees with libgit2 on random repositories", "[index]") {
  GitLibrary lib;
  int supported = 0, total = 0;
  for (uint32_t seed = 1; seed <= random_repos(60); ++seed) {
    TempDir dir;
    Scenario sc = random_scenario(seed);
    write_files(dir.path(), sc);
    const std::string& script = sc.script;
    run_script(dir.path(), script);
    RepoPtr repo = open_repo(dir.path());
    auto fast = staged_changes_fast(repo.get());
    auto ref = staged_changes_libgit2(repo.get());
    INFO("seed " << seed << "\nscript:\n" << script);
    REQUIRE(ref.ok());
    ++total;
    if (unsupported(fast)) continue;
    ++supported;
    REQUIRE(describe(fast) == describe(ref));
  }
  // The comparison means little if the fast path keeps declining.
  CHECK(supported == total);
}

TEST_CASE("fast staged path on hand-built index states", "[index]") {
  GitLibrary lib;
  TempDir dir;
  auto agree = [&](const std::string& script) {
    run_script(dir.path(), script);
    RepoPtr repo = open_repo(dir.path());
    auto fast = staged_changes_fast(repo.get());
    auto ref = staged_changes_libgit2(repo.get());
    INFO(script << "\nfast: " << describe(fast) << "\nlibgit2: " << describe(ref));
    REQUIRE(fast.ok());
    REQUIRE(describe(fast) == describe(ref));
    return *fast;
  };
  std::string base =
      "git init -q -b main . && mkdir -p d/e f && printf 'one\\n' > d/e/a && printf 'two\\n' > d/b "
      "&& printf 'three\\n' > f/c && printf 'four\\n' > top && git add -A && git commit -q -m c1\n";

  SECTION("clean index after a commit: nothing staged") {
    auto s = agree(base);
    CHECK(s.changes.empty());
    CHECK(s.deleted == 0);
  }
  SECTION("unborn HEAD: everything added") {
    auto s = agree("git init -q -b main . && mkdir d && printf 'x\\n' > d/a && printf 'y\\n' > b && git add -A\n");
    CHECK(s.unborn_head);
    REQUIRE(s.changes.size() == 2);
    CHECK(s.changes[0].path == "b");
    CHECK(s.changes[1].path == "d/a");
  }
  SECTION("unborn HEAD with an empty index") {
    run_script(dir.path(), "git init -q -b main . && printf 'x\\n' > a && git add a && git rm -q --cached a\n");
    RepoPtr repo = open_repo(dir.path());
    auto fast = staged_changes_fast(repo.get());
    REQUIRE(describe(fast) == describe(staged_changes_libgit2(repo.get())));
  }
  SECTION("exact rename marked with its old path, rename with edit kept, delete counted") {
    auto s = agree(base + "git mv d/e/a moved && git mv d/b d/b2 && printf 'more\\n' >> d/b2 && git add d/b2 && git rm -q top\n");
    REQUIRE(s.changes.size() == 2);
    CHECK(s.changes[0].path == "d/b2");
    CHECK(s.changes[0].renamed_from.empty());
    CHECK(s.changes[1].path == "moved");
    REQUIRE(s.changes[1].renamed_from.size() == 1);
    CHECK(s.changes[1].renamed_from[0] == "d/e/a");
    CHECK(s.deleted == 3);
  }
  SECTION("a copy is an add; a copy over a deletion carries every old path") {
    auto s = agree(base + "cp d/b copy && git add copy\n");
    REQUIRE(s.changes.size() == 1);
    CHECK(s.changes[0].renamed_from.empty());
    s = agree("printf 'two\\n' > d/e/a2 && git add d/e/a2 && git rm -q --cached d/b copy\n");
    REQUIRE(s.changes.size() == 1);
    CHECK(s.changes[0].path == "d/e/a2");
    REQUIRE(s.changes[0].renamed_from.size() == 1);
    CHECK(s.changes[0].renamed_from[0] == "d/b");
  }
  SECTION("mode-only change is not content; type change is all new") {
    auto s = agree(base + "git update-index --chmod=+x top && rm f/c && ln -s top f/c && git add f/c\n");
    REQUIRE(s.changes.size() == 1);
    CHECK(s.changes[0].path == "f/c");
    CHECK(s.changes[0].kind == StagedChange::Kind::Added);
    CHECK(s.changes[0].new_mode == 0120000);
  }
  SECTION("file replaced by a directory and back") {
    agree(base + "git rm -q --cached top && rm top && mkdir top && printf 'in\\n' > top/x && git add top "
                 "&& git rm -q -r --cached f && rm -rf f && printf 'file\\n' > f && git add f\n");
  }
  SECTION("names that sort around '/'") {
    agree(base + "printf 'p\\n' > d.c && printf 'q\\n' > d-b && printf 'r\\n' > d0 && mkdir -p d/e.f && "
                 "printf 's\\n' > d/e.f/g && printf 't\\n' > d/e0 && git add -A\n");
  }
  SECTION("intent-to-add, skip-worktree and gitlinks") {
    agree(base + "printf 'later\\n' > d/new && git add -N d/new && git update-index --skip-worktree d/b && "
                 "git update-index --add --cacheinfo 160000,0123456789abcdef0123456789abcdef01234567,sub\n");
  }
  SECTION("valid cached tree that differs from HEAD (write-tree, reset --soft)") {
    agree(base + "printf 'changed\\n' > d/e/a && git add d/e/a && git write-tree >/dev/null\n");
    agree("git commit -q -m c2 && git reset -q --soft HEAD~1\n");
  }
  SECTION("index versions 2, 3 and 4") {
    for (int v : {4, 3, 2, 4}) {
      agree(base + "printf 'v\\n' >> f/c && git add f/c && git update-index --index-version " +
            std::to_string(v) + "\n");
    }
  }
  SECTION("unchanged subtrees are skipped without being read") {
    // Remove HEAD's object for an untouched directory: the fast path must not need it.
    run_script(dir.path(), base + "printf 'edit\\n' >> top && git add top\n");
    RepoPtr repo = open_repo(dir.path());
    git_object* obj = nullptr;
    REQUIRE(git_revparse_single(&obj, repo.get(), "HEAD:d") == 0);
    std::string hex = oid_hex(*git_object_id(obj));
    git_object_free(obj);
    repo.reset();
    REQUIRE(std::remove((dir.path() + "/.git/objects/" + hex.substr(0, 2) + "/" + hex.substr(2)).c_str()) == 0);
    repo = open_repo(dir.path());
    auto fast = staged_changes_fast(repo.get());
    INFO(describe(fast));
    REQUIRE(fast.ok());
    REQUIRE(fast->changes.size() == 1);
    CHECK(fast->changes[0].path == "top");
  }
}

TEST_CASE("fast staged path declines what it does not handle", "[index]") {
  GitLibrary lib;
  TempDir dir;
  std::string base =
      "git init -q -b main . && mkdir -p d && printf 'one\\n' > d/a && printf 'two\\n' > b && "
      "git add -A && git commit -q -m c1\n";
  auto check_declines = [&](const std::string& script) {
    run_script(dir.path(), base + script);
    RepoPtr repo = open_repo(dir.path());
    auto fast = staged_changes_fast(repo.get());
    INFO(describe(fast));
    CHECK(unsupported(fast));
    // The combined entry point still answers, through libgit2.
    auto both = staged_changes(repo.get());
    auto ref = staged_changes_libgit2(repo.get());
    if (ref.ok()) CHECK(describe(both) == describe(ref));
  };
  SECTION("unmerged entries") {
    check_declines(
        "git checkout -q -b other && printf 'theirs\\n' > b && git commit -q -am t && git checkout -q main && "
        "printf 'ours\\n' > b && git commit -q -am o && git merge -q other\n");
  }
  SECTION("core.ignorecase") { check_declines("git config core.ignorecase true\n"); }
}

// Split and sparse indexes: libgit2 1.5 reads neither (both are mandatory extensions to
// it), so the reference is libgit2 on the same index after git rewrote it in full.
namespace {

// Fast path on the index as the script left it; then `expand` makes git rewrite the index
// without the feature, and both readers must agree with that first answer.
std::string fast_then_reference(const std::string& dir, const std::string& script, const std::string& expand,
                                bool (IndexFile::*feature)() const, bool* had_feature = nullptr) {
  run_script(dir, script);
  RepoPtr repo = open_repo(dir);
  {
    IndexFile index;
    auto err = index.load(dir + "/.git/index", dir + "/.git");
    if (had_feature) *had_feature = !err && (index.*feature)();
    // git 2.39 can itself write a sparse index with duplicate directory entries (after
    // `reset --soft` over collapsed directories); both readers refuse such a file.
    if (err && err->message.find("unsorted or duplicate") != std::string::npos) return "skipped: " + err->message;
  }
  auto fast = staged_changes_fast(repo.get());
  std::string got = describe(fast);
  INFO("script:\n" << script);
  repo.reset();
  run_script(dir, expand);
  IndexFile expanded;
  auto load_err = expanded.load(dir + "/.git/index", dir + "/.git");
  INFO("expanded index: " << (load_err ? load_err->message : std::string("ok")));
  REQUIRE_FALSE(load_err);
  REQUIRE_FALSE((expanded.*feature)());
  repo = open_repo(dir);
  std::string ref = describe(staged_changes_libgit2(repo.get()));
  INFO("fast on the original index:\n" << got << "\nlibgit2 on the expanded one:\n" << ref);
  CHECK(got == ref);
  CHECK(describe(staged_changes_fast(repo.get())) == ref);
  return got;
}

const char kUnsplit[] = "git config core.splitIndex false && git update-index --no-split-index\n";
const char kUnsparse[] = "git config --worktree index.sparse false && git update-index --really-refresh >/dev/null\n";

}  // namespace

TEST_CASE("fast staged path reads split indexes (link extension, shared index, EWAH bitmaps)", "[index]") {
  GitLibrary lib;
  int split = 0;
  for (uint32_t seed = 1; seed <= random_repos(12); ++seed) {
    TempDir dir;
    Scenario sc = random_scenario(seed);
    write_files(dir.path(), sc);
    std::string script = sc.script;
    // Every index write split from the start; a high threshold keeps the layering deep
    // (replacements and deletions against an old shared index), the default re-shares.
    script.insert(script.find('\n') + 1, std::string("git config core.splitIndex true\n") +
                                             (seed % 2 ? "git config splitIndex.maxPercentChange 100\n" : ""));
    bool had = false;
    INFO("seed " << seed);
    std::string got = fast_then_reference(dir.path(), script, kUnsplit, &IndexFile::split, &had);
    CHECK(got.rfind("error", 0) != 0);
    split += had;
  }
  CHECK(split >= static_cast<int>(random_repos(12) / 2));  // the comparison means little if git rarely wrote a split index

  TempDir dir;
  std::string base =
      "git init -q -b main . && git config core.splitIndex true && git config splitIndex.maxPercentChange 100 && "
      "mkdir -p d/e f && for i in 1 2 3 4 5 6 7 8 9; do printf \"$i\\n\" > d/e/f$i; printf \"$i\\n\" > f/g$i; done && "
      "git add -A && git commit -q -m c1\n";
  SECTION("replaced, deleted and added entries over the shared index") {
    bool had = false;
    std::string got = fast_then_reference(
        dir.path(),
        base + "printf 'x\\n' >> d/e/f3 && git add d/e/f3 && git rm -q --cached f/g5 && printf 'n\\n' > d/new && "
               "git add d/new && git mv f/g7 f/moved && printf 'y\\n' >> f/g9 && git add f/g9\n",
        kUnsplit, &IndexFile::split, &had);
    CHECK(had);
    CHECK(got.find("M d/e/f3") != std::string::npos);
    CHECK(got.find("A f/moved") != std::string::npos);
  }
  SECTION("a missing shared index is an error that names it") {
    run_script(dir.path(), base + "printf 'x\\n' >> d/e/f3 && git add d/e/f3 && rm .git/sharedindex.*\n");
    RepoPtr repo = open_repo(dir.path());
    auto fast = staged_changes(repo.get());
    REQUIRE_FALSE(fast.ok());
    CHECK(fast.error().find("sharedindex.") != std::string::npos);
    CHECK(fast.error().find(dir.path() + "/.git/index") != std::string::npos);
  }
}

TEST_CASE("fast staged path reads sparse indexes (directory entries for whole trees)", "[index]") {
  GitLibrary lib;
  int sparse = 0;
  for (uint32_t seed = 1; seed <= random_repos(12); ++seed) {
    TempDir dir;
    Scenario sc = random_scenario(seed);
    write_files(dir.path(), sc);
    std::string script = sc.script + "git sparse-checkout init --cone --sparse-index && git sparse-checkout set keep\n";
    if (seed % 2) script += "git reset -q --soft HEAD~1\n";  // sparse entries that differ from HEAD
    bool had = false;
    INFO("seed " << seed);
    std::string got = fast_then_reference(dir.path(), script, kUnsparse, &IndexFile::sparse, &had);
    if (got.rfind("skipped", 0) == 0) continue;
    CHECK(got.rfind("error", 0) != 0);
    sparse += had;
  }
  CHECK(sparse >= static_cast<int>(random_repos(12) / 2));

  TempDir dir;
  std::string base =
      "git init -q -b main . && mkdir -p in out/deep/er && printf '1\\n' > in/a && printf '2\\n' > out/b && "
      "printf '3\\n' > out/deep/er/c && git add -A && git commit -q -m c1 && printf '4\\n' > out/deep/er/c && "
      "printf '5\\n' > out/deep/new && mkdir -p gone && printf '6\\n' > gone/x && git add -A && git commit -q -m c2 && "
      "git sparse-checkout init --cone --sparse-index && git sparse-checkout set in\n";
  SECTION("unchanged sparse directories cost nothing") {
    bool had = false;
    std::string got = fast_then_reference(dir.path(), base + "printf 'e\\n' >> in/a && git add in/a\n", kUnsparse,
                                          &IndexFile::sparse, &had);
    CHECK(had);
    CHECK(got.find("M in/a") != std::string::npos);
    CHECK(got.find("out/") == std::string::npos);
  }
  SECTION("a sparse directory that differs from HEAD, or that HEAD lacks, is compared tree to tree") {
    bool had = false;
    std::string got = fast_then_reference(dir.path(), base + "git reset -q --soft HEAD~1\n", kUnsparse,
                                          &IndexFile::sparse, &had);
    CHECK(had);
    CHECK(got.find("M out/deep/er/c") != std::string::npos);
    CHECK(got.find("A out/deep/new") != std::string::npos);
    CHECK(got.find("A gone/x") != std::string::npos);
  }
}

TEST_CASE("index extensions: unknown mandatory ones fail closed, unknown optional ones are skipped", "[index]") {
  GitLibrary lib;
  TempDir dir;
  run_script(dir.path(),
             "git init -q -b main . && printf 'one\\n' > a && git add a && git commit -q -m c1 && "
             "printf 'two\\n' > a && git add a\n");
  std::string index_path = dir.path() + "/.git/index";
  std::string original;
  {
    std::ifstream f(index_path, std::ios::binary);
    original.assign(std::istreambuf_iterator<char>(f), {});
  }
  RepoPtr repo = open_repo(dir.path());
  std::string expected = describe(staged_changes_libgit2(repo.get()));
  auto with_extension = [&](const std::string& sig) {
    std::string ext = sig + std::string("\0\0\0\3xyz", 7);
    std::string bytes = original;
    bytes.insert(bytes.size() - 20, ext);  // before the checksum, which is not verified
    std::ofstream(index_path, std::ios::binary | std::ios::trunc) << bytes;
  };
  for (const char* sig : {"zzzz", "abcd", "sdiR"}) {
    with_extension(sig);
    auto r = staged_changes(repo.get());
    INFO(sig << ": " << describe(r));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find(std::string("mandatory extension '") + sig + "'") != std::string::npos);
    CHECK(r.error().find(index_path) != std::string::npos);
    CHECK(r.error_code() != ErrorCode::Unsupported);  // not handed to libgit2: fail closed here
  }
  for (const char* sig : {"ZZZZ", "Abcd"}) {
    with_extension(sig);
    auto r = staged_changes_fast(repo.get());
    INFO(sig << ": " << describe(r));
    CHECK(describe(r) == expected);
  }
}

TEST_CASE("conflicted entries: ours and theirs are staged changes, the paths are listed", "[index]") {
  GitLibrary lib;
  TempDir dir;
  run_script(dir.path(),
             "git init -q -b main . && printf 'base\\n' > b && printf 'keep\\n' > k && git add -A && git commit -q -m c1 && "
             "git checkout -q -b other && printf 'theirs\\n' > b && printf 'new\\n' > n && git add -A && "
             "git commit -q -m t && git checkout -q main && printf 'ours\\n' > b && printf 'mine\\n' > n && "
             "git add -A && git commit -q -m o && git merge -q other\n");
  RepoPtr repo = open_repo(dir.path());
  auto fast = staged_changes_fast(repo.get());
  CHECK(unsupported(fast));  // the fast path leaves unmerged entries to libgit2
  auto s = staged_changes(repo.get());
  INFO(describe(s));
  REQUIRE(s.ok());
  REQUIRE(s->conflicted.size() == 2);
  CHECK(s->conflicted[0] == "b");
  CHECK(s->conflicted[1] == "n");
  // "ours" is HEAD's blob for both paths: only "theirs" is new, against HEAD's version.
  REQUIRE(s->changes.size() == 2);
  for (const auto& c : s->changes) {
    CHECK(c.conflict_stage == 3);
    CHECK(c.kind == StagedChange::Kind::Modified);
  }
  CHECK(s->deleted == 0);
}

TEST_CASE("fast staged path in a linked worktree reads the worktree's index", "[index]") {
  GitLibrary lib;
  TempDir dir;
  run_script(dir.path(),
             "mkdir main && cd main && git init -q -b main . && printf 'one\\n' > a && git add a && "
             "git commit -q -m c1 && git worktree add -q ../wt -b wt && cd ../wt && printf 'two\\n' > a && "
             "printf 'new\\n' > b && git add a b\n");
  RepoPtr repo = open_repo(dir.path() + "/wt");
  auto fast = staged_changes_fast(repo.get());
  INFO(describe(fast));
  REQUIRE(fast.ok());
  CHECK(describe(fast) == describe(staged_changes_libgit2(repo.get())));
  CHECK(fast->changes.size() == 2);
  RepoPtr main_repo = open_repo(dir.path() + "/main");
  auto main_fast = staged_changes_fast(main_repo.get());
  REQUIRE(main_fast.ok());
  CHECK(main_fast->changes.empty());
}

TEST_CASE("corrupt or truncated index files are errors that name the file", "[index]") {
  GitLibrary lib;
  TempDir dir;
  run_script(dir.path(),
             "git init -q -b main . && mkdir -p d/e && printf 'one\\n' > d/e/a && printf 'two\\n' > b && "
             "git add -A && git commit -q -m c1 && printf 'three\\n' > c && git add c\n");
  std::string index_path = dir.path() + "/.git/index";
  std::string original;
  {
    std::ifstream f(index_path, std::ios::binary);
    original.assign(std::istreambuf_iterator<char>(f), {});
  }
  REQUIRE(original.size() > 64);
  auto write_index = [&](const std::string& bytes) {
    std::ofstream f(index_path, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  };

  std::string expected;
  {
    RepoPtr repo = open_repo(dir.path());
    expected = describe(staged_changes_libgit2(repo.get()));
  }
  // Every truncation: an error naming the file, never a crash. The checksum is not verified
  // (git does not either), so a cut that drops exactly the optional extensions still reads
  // as a valid index: then the answer must be the right one.
  for (size_t len = 0; len < original.size(); ++len) {
    write_index(original.substr(0, len));
    RepoPtr repo = open_repo(dir.path());
    auto fast = staged_changes_fast(repo.get());
    INFO("truncated to " << len << " of " << original.size() << ": " << describe(fast));
    if (fast.ok()) {
      CHECK(describe(fast) == expected);
    } else {
      CHECK(fast.error().find(index_path) != std::string::npos);
    }
  }
  // Every byte flipped: whatever the answer, no crash, and errors name the file.
  for (size_t at = 0; at < original.size(); ++at) {
    std::string bad = original;
    bad[at] = static_cast<char>(bad[at] ^ 0x5a);
    write_index(bad);
    RepoPtr repo = open_repo(dir.path());
    auto fast = staged_changes_fast(repo.get());
    if (!fast.ok() && !unsupported(fast) && fast.error().rfind("cannot read HEAD", 0) != 0) {
      INFO("byte " << at << ": " << fast.error());
      CHECK(fast.error().find(index_path) != std::string::npos);
    }
  }
  write_index("DIRC");
  RepoPtr repo = open_repo(dir.path());
  auto fast = staged_changes_fast(repo.get());
  REQUIRE_FALSE(fast.ok());
  CHECK(fast.error().find("corrupt index file " + index_path) != std::string::npos);
}

TEST_CASE("index reader parses v4 prefix-compressed paths and the cached tree", "[index]") {
  GitLibrary lib;
  TempDir dir;
  run_script(dir.path(),
             "git init -q -b main . && git config index.version 4 && mkdir -p aa/bb aa/bc && "
             "printf '1\\n' > aa/bb/x && printf '2\\n' > aa/bc/y && printf '3\\n' > aa/z && "
             "git add -A && git commit -q -m c1\n");
  IndexFile index;
  REQUIRE_FALSE(index.load(dir.path() + "/.git/index"));
  CHECK(index.version() == 4);
  REQUIRE(index.entries().size() == 3);
  CHECK(index.entries()[0].path == "aa/bb/x");
  CHECK(index.entries()[1].path == "aa/bc/y");
  CHECK(index.entries()[2].path == "aa/z");
  const auto& tree = index.cached_tree();
  REQUIRE(tree.size() == 4);  // root, aa, aa/bb, aa/bc
  CHECK(tree[0].name.empty());
  CHECK(tree[0].entry_count == 3);
  CHECK(tree[0].span == 4);
  CHECK(tree[1].name == "aa");
  CHECK(tree[1].subtrees == 2);
}

}  // namespace keyward

TEST_CASE("an extension signature is named printably, never read past its four bytes", "[index]") {
  // Header (no entries), then a truncated required extension whose signature holds a
  // non-printable byte and no terminator, then the checksum.
  std::string image("DIRC\0\0\0\2\0\0\0\0", 12);
  image += std::string("ab\xff" "X", 4) + std::string("\0\0\x03\xe8", 4);
  image += std::string(20, '\0');
  keyward::IndexFile index;
  auto st = index.parse(reinterpret_cast<const unsigned char*>(image.data()), image.size(), "idx");
  REQUIRE(st);
  INFO(st->message);
  CHECK(st->message.find("ab\\xffX") != std::string::npos);
  CHECK(st->message.find('\xff') == std::string::npos);
}
