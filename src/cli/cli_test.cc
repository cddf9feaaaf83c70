// The command line: each documented spelling parses to the options the commands read, and
// a mistake is an error that says what was wrong.
#include "cli.h"

#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>
#include <vector>

using keyward::Options;

namespace {

keyward::Result<Options> parse(std::initializer_list<const char*> args) {
  std::vector<std::string> words{"keyward"};
  for (auto* a : args) words.emplace_back(a);
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  return keyward::parse_args(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_CASE("cli: no arguments is pre-commit mode over the index", "[cli]") {
  auto o = parse({});
  REQUIRE(o);
  CHECK(o->command == Options::Command::Scan);
  CHECK(o->paths.empty());
  CHECK_FALSE(o->all_history);
  CHECK(o->ranges.empty());
}

TEST_CASE("cli: modes, formats and the hook names", "[cli]") {
  auto h = parse({"--all-history", "--format", "sarif", "-o", "x.sarif"});
  REQUIRE(h);
  CHECK(h->all_history);
  CHECK(h->format == "sarif");
  CHECK(h->output == "x.sarif");
  auto r = parse({"--range", "a..b", "--range", "c..d", "-C", "repo"});
  REQUIRE(r);
  CHECK(r->ranges == std::vector<std::string>{"a..b", "c..d"});
  CHECK(r->chdir == "repo");
  auto d = parse({"models/", "other"});
  REQUIRE(d);
  CHECK(d->paths == std::vector<std::string>{"models/", "other"});
  for (const char* hook : {"pre-commit", "pre-push", "pre-receive"}) {
    auto k = parse({"--hook", hook});
    REQUIRE(k);
    CHECK(k->hook == hook);
  }
  // commit-msg is given the message file, as git passes it.
  auto m = parse({"--hook", "commit-msg", ".git/COMMIT_EDITMSG"});
  REQUIRE(m);
  CHECK(m->paths == std::vector<std::string>{".git/COMMIT_EDITMSG"});
  CHECK_FALSE(parse({"--hook", "commit-msg"}));
  CHECK_FALSE(parse({"--hook", "post-commit"}));
}

TEST_CASE("cli: mistakes are errors that name them", "[cli]") {
  auto bad_format = parse({"--format", "xml"});
  REQUIRE_FALSE(bad_format);
  CHECK(bad_format.error().find("xml") != std::string::npos);
  auto unknown = parse({"--bogus-flag"});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().find("--bogus-flag") != std::string::npos);
  auto missing = parse({"--range"});
  REQUIRE_FALSE(missing);
}

TEST_CASE("cli: help reads like git's, one page per command", "[cli]") {
  std::string overview = keyward::help_text("");
  CHECK(overview.find("usage: keyward") != std::string::npos);
  CHECK(overview.find("--all-history") != std::string::npos);
  CHECK(overview.find("--show-secrets") != std::string::npos);
}
