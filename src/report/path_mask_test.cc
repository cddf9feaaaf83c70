#include "path_mask.h"

#include <catch2/catch.hpp>

#include "testing.h"

using namespace keyward;

TEST_CASE("a secret found in a name is masked in every path that holds it", "[report][names]") {
  std::string tok = testing::fake_hf_token(91);
  Report r;
  Finding name;
  name.path = "exports/" + tok + ".txt";
  name.secret = tok;
  name.offset = 8;
  name.end_offset = 8 + tok.size();
  name.in_name = "file name";
  r.findings.push_back(name);
  ReportOptions o;
  PathMasker m(r, o);
  std::string shown = m(name.path);
  CHECK(shown.find(tok) == std::string::npos);
  CHECK(shown.rfind("exports/hf_", 0) == 0);
  CHECK(m("old/" + tok + "/a.py").find(tok) == std::string::npos);
  CHECK(m("src/app.py") == "src/app.py");
  o.show_secrets = true;
  CHECK(PathMasker(r, o)(name.path) == name.path);
}

TEST_CASE("without findings in names paths are printed as they are", "[report][names]") {
  Report r;
  Finding f;
  f.path = "a.env";
  f.secret = testing::fake_hf_token(92);
  r.findings.push_back(f);
  CHECK(PathMasker(r, ReportOptions{})("a.env") == "a.env");
}
