// A secret found in a module and in its bytecode is one finding; bytecode alone is its own.
#include "pyc_duplicates.h"

#include <catch2/catch.hpp>

using namespace keyward;

namespace {

Finding at(const std::string& path, const std::string& secret, const std::string& rule = "r") {
  Finding f;
  f.path = path;
  f.secret = secret;
  f.rule_id = rule;
  f.line = 3;
  return f;
}

}  // namespace

TEST_CASE("pyc duplicates: merged into the source finding", "[scan][pyc]") {
  std::vector<Finding> fs{at("pkg/mod.py", "S1"), at("pkg/__pycache__/mod.cpython-311.pyc", "S1", "other"),
                          at("pkg/__pycache__/mod.cpython-312.opt-1.pyc", "S1"), at("old/mod.py", "S2"),
                          at("old/mod.pyc", "S2")};
  merge_pyc_duplicates(fs);
  REQUIRE(fs.size() == 2);
  CHECK(fs[0].path == "pkg/mod.py");
  REQUIRE(fs[0].places.size() == 2);
  CHECK(fs[0].places[0].path == "pkg/__pycache__/mod.cpython-311.pyc");
  CHECK(fs[1].path == "old/mod.py");
  CHECK(fs[1].places.size() == 1);
}

TEST_CASE("pyc duplicates: bytecode without its source, or with another secret, stays", "[scan][pyc]") {
  std::vector<Finding> fs{at("pkg/__pycache__/mod.cpython-311.pyc", "S1"), at("pkg/other.py", "S1"),
                          at("pkg/mod.py", "S2"), at("lib/__pycache__/mod.cpython-311.pyc", "S2"),
                          at("pkg/mod.cpython-311.pyc", "S2")};
  merge_pyc_duplicates(fs);
  CHECK(fs.size() == 5);
}
