#include "glob.h"

#include <chrono>
#include <random>
#include <string>
#include <vector>

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

namespace {

// The recursive matcher glob.cc had before it became an automaton: the reference for the
// semantics (exponential, so only for short inputs).
bool reference_match(std::string_view p, std::string_view s) {
  while (!p.empty()) {
    if (p.substr(0, 2) == "**") {
      std::string_view rest = p.substr(2);
      if (!rest.empty() && rest[0] == '/') {
        std::string_view after = rest.substr(1);
        if (reference_match(after, s)) return true;
        for (size_t i = 0; i < s.size(); ++i)
          if (s[i] == '/' && reference_match(after, s.substr(i + 1))) return true;
        return false;
      }
      for (size_t i = 0; i <= s.size(); ++i)
        if (reference_match(rest, s.substr(i))) return true;
      return false;
    }
    char c = p[0];
    if (c == '*') {
      std::string_view rest = p.substr(1);
      for (size_t i = 0; i <= s.size(); ++i) {
        if (reference_match(rest, s.substr(i))) return true;
        if (i < s.size() && s[i] == '/') break;
      }
      return false;
    }
    if (s.empty()) return false;
    if (c == '?') {
      if (s[0] == '/') return false;
    } else if (c == '[') {
      size_t close = p.find(']', 1);
      if (close == std::string_view::npos) {
        if (s[0] != '[') return false;
      } else {
        std::string_view set = p.substr(1, close - 1);
        bool neg = !set.empty() && (set[0] == '!' || set[0] == '^');
        if (neg) set.remove_prefix(1);
        bool hit = false;
        for (size_t i = 0; i < set.size(); ++i) {
          if (i + 2 < set.size() && set[i + 1] == '-') {
            if (s[0] >= set[i] && s[0] <= set[i + 2]) hit = true;
            i += 2;
          } else if (set[i] == s[0]) {
            hit = true;
          }
        }
        if (hit == neg || s[0] == '/') return false;
        p.remove_prefix(close + 1);
        s.remove_prefix(1);
        continue;
      }
    } else if (c == '\\' && p.size() > 1) {
      if (s[0] != p[1]) return false;
      p.remove_prefix(1);
    } else if (c != s[0]) {
      return false;
    }
    p.remove_prefix(1);
    s.remove_prefix(1);
  }
  return s.empty();
}

bool reference_path(std::string_view pattern, std::string_view path) {
  if (pattern.empty()) return false;
  bool dir_only = pattern.back() == '/';
  if (dir_only) pattern.remove_suffix(1);
  bool anchored = pattern.find('/') != std::string_view::npos;
  if (!pattern.empty() && pattern[0] == '/') pattern.remove_prefix(1);
  auto try_subject = [&](std::string_view subject, bool is_dir) {
    if (dir_only && !is_dir) return false;
    if (anchored) return reference_match(pattern, subject);
    size_t slash = subject.rfind('/');
    return reference_match(pattern, slash == std::string_view::npos ? subject : subject.substr(slash + 1));
  };
  if (try_subject(path, false)) return true;
  for (size_t i = 0; i < path.size(); ++i)
    if (path[i] == '/' && try_subject(path.substr(0, i), true)) return true;
  return false;
}

}  // namespace

TEST_CASE("globs keep their semantics: random patterns agree with the recursive matcher", "[glob]") {
  // Pieces that exercise every construct and their interplay with '/'.
  const std::vector<std::string> pieces = {"a", "b", "/", "*", "**", "**/", "?", "[ab]", "[!a]", "[a-c]",
                                           "\\*", "[", "/**", ".", "\\"};
  const std::string alphabet = "ab/c.*[";
  std::mt19937 rng(11);
  size_t agreed = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string pattern;
    for (int k = static_cast<int>(rng() % 6); k >= 0; --k) pattern += pieces[rng() % pieces.size()];
    std::string path;
    for (int k = static_cast<int>(rng() % 9); k >= 0; --k) path += alphabet[rng() % alphabet.size()];
    INFO("pattern '" << pattern << "' path '" << path << "'");
    REQUIRE(glob_match_path(pattern, path) == reference_path(pattern, path));
    ++agreed;
  }
  CHECK(agreed == 20000);
}

TEST_CASE("glob matching is linear: many stars against a long name", "[glob]") {
  std::string name(10000, 'a');
  std::string deep;  // 40 directories of 250 characters: the anchored path
  for (int i = 0; i < 40; ++i) deep += std::string(249, 'a') + "/";
  deep += "a";
  auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(glob_match_path("*a*a*a*a*a*a*a*a*b", name));
  CHECK_FALSE(glob_match_path("**a*a*a*a*a*a*a*a*b", name));
  CHECK_FALSE(glob_match_path("**/*a*a*a*a*a*a*a*a*b", deep));
  CHECK_FALSE(glob_match_path("a*/**/*a*a*a*a*a*a*a*a*b/", deep));
  CHECK(glob_match_path("*a*a*a*a*a*a*a*a*a", name));
  CHECK(glob_match_path("**/*a*a*a*a*a*a*a*a", deep));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 2.0);
}
