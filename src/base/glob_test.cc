#include "glob.h"

#include <catch2/catch.hpp>

using keyward::glob_match_path;

TEST_CASE("gitignore-style globs", "[glob]") {
  CHECK(glob_match_path("tests/", "tests/fixtures/a.json"));
  CHECK(glob_match_path("patterns/", "patterns/aws.toml"));
  CHECK_FALSE(glob_match_path("patterns/", "src/patterns.cc"));
  CHECK(glob_match_path("*.lock", "deep/dir/Cargo.lock"));
  CHECK(glob_match_path("docs/**/*.md", "docs/a/b/c.md"));
  CHECK(glob_match_path("docs/**/*.md", "docs/c.md"));
  CHECK_FALSE(glob_match_path("docs/*.md", "docs/a/c.md"));
  CHECK(glob_match_path("/build", "build/x"));
  CHECK_FALSE(glob_match_path("/build", "src/build"));
  CHECK(glob_match_path(".ipynb_checkpoints/", "nb/.ipynb_checkpoints/a-checkpoint.ipynb"));
  CHECK(glob_match_path("file?.txt", "file1.txt"));
  CHECK(glob_match_path("[ab].txt", "b.txt"));
  CHECK_FALSE(glob_match_path("[!ab].txt", "b.txt"));
  CHECK_FALSE(glob_match_path("tests/", "tests"));  // a file named tests is not the directory
}
