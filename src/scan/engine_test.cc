// The engine: built once, never copied or moved (the matcher and scanner hold references
// into it), and the scanner's one-secret-one-finding rule across rule sets.
#include "engine.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <type_traits>

#include <catch2/catch.hpp>

#include "engine_testing.h"
#include "testing.h"

using namespace keyward;
namespace fs = std::filesystem;

static_assert(!std::is_copy_constructible_v<Engine> && !std::is_copy_assignable_v<Engine>,
              "the matcher and scanner hold references into an Engine: it must not be copied");
static_assert(!std::is_move_constructible_v<Engine> && !std::is_move_assignable_v<Engine>,
              "the matcher and scanner hold references into an Engine: it must not be moved");

TEST_CASE("engine: a rules directory that does not exist is an error naming it", "[engine]") {
  EngineOptions o;
  o.rules_dir = "/nonexistent/keyward-rules-" + std::to_string(::getpid());
  auto e = Engine::create(std::move(o));
  REQUIRE_FALSE(e);
  CHECK(e.error().find(std::to_string(::getpid())) != std::string::npos);
}

TEST_CASE("engine: one secret, one finding: a provider rule outranks the generic one on the same bytes",
          "[engine][scanner]") {
  fs::path dir = fs::temp_directory_path() / ("keyward-engine-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::copy_file(fs::path(KEYWARD_SOURCE_PATTERNS_DIR) / "huggingface.toml", dir / "huggingface.toml",
                fs::copy_options::overwrite_existing);
  {
    std::ofstream f(dir / "generic.toml");
    f << "provider = \"Generic\"\n\n[[rules]]\nid = \"test-generic-assignment\"\n"
         "description = \"any long value assigned to a key\"\n"
         "regex = '''[A-Za-z0-9_]+ = ([A-Za-z0-9_]{30,})'''\nkeywords = [\" = \"]\n";
  }
  EngineOptions o;
  o.rules_dir = dir.string();
  auto e = Engine::create(std::move(o));
  fs::remove_all(dir);
  REQUIRE(e);
  // Many secrets on many lines, each found by both rules: every overlap is dropped (a
  // sorted sweep, so thousands cost no more than a sort).
  std::string data;
  const int n = 3000;
  for (int i = 0; i < n; ++i) data += "tok_" + std::to_string(i) + " = " + testing::fake_hf_token(i + 1) + "\n";
  data += "other = " + std::string("Zq9") + testing::fake_token("", testing::kAlnum, 40, 77) + "\n";
  auto found = testing::scan_blob(**e, "a.env", data);
  size_t hf = 0, generic = 0;
  for (auto& f : found) (f.rule_id == "huggingface-user-token" ? hf : generic) += 1;
  CHECK(hf == static_cast<size_t>(n));
  CHECK(generic == 1);  // only the value no provider rule claims
}
