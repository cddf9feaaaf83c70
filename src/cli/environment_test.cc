#include "environment.h"

#include <cstdlib>

#include <catch2/catch.hpp>

using keyward::Environment;

TEST_CASE("the cache directory: KEYWARD_CACHE_DIR, else XDG_CACHE_HOME, else HOME", "[environment]") {
  Environment e;
  CHECK(e.cache_dir().empty());
  e.home = "/home/u";
  CHECK(e.cache_dir() == "/home/u/.cache/keyward");
  e.xdg_cache_home = "/xdg";
  CHECK(e.cache_dir() == "/xdg/keyward");
  e.keyward_cache_dir = "/kw";
  CHECK(e.cache_dir() == "/kw");
}

TEST_CASE("the rules directory: --rules, else KEYWARD_RULES, else the default", "[environment]") {
  Environment e;
  CHECK(e.rules_dir("").empty());
  e.keyward_rules = "/env/patterns";
  CHECK(e.rules_dir("") == "/env/patterns");
  CHECK(e.rules_dir("/flag") == "/flag");
}

TEST_CASE("the config home takes only an absolute XDG_CONFIG_HOME", "[environment]") {
  Environment e;
  CHECK(e.config_home().empty());
  e.home = "/home/u";
  CHECK(e.config_home() == "/home/u/.config/keyward");
  e.xdg_config_home = "relative";
  CHECK(e.config_home() == "/home/u/.config/keyward");
  e.xdg_config_home = "/cfg";
  CHECK(e.config_home() == "/cfg/keyward");
}

TEST_CASE("git's index and KEYWARD_INDEX reach the staged source as options", "[environment]") {
  ::setenv("GIT_INDEX_FILE", "/tmp/some-index", 1);
  ::setenv("KEYWARD_INDEX", "libgit2", 1);
  Environment e = Environment::read();
  ::unsetenv("GIT_INDEX_FILE");
  ::unsetenv("KEYWARD_INDEX");
  CHECK(e.git.index_file == "/tmp/some-index");
  CHECK(e.staged().index_file == "/tmp/some-index");
  CHECK(e.staged().reference_only);
  CHECK_FALSE(Environment::read().staged().reference_only);
  CHECK(Environment::read().staged().index_file.empty());
}
