// The scanner's excerpts and fingerprints: every secret of a line is masked in every
// finding's excerpt, and fingerprints are keyed. Runs the real engine on the Hugging Face
// rules only, compiled into a temporary directory.
#include "scanner.h"
#include "base64.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

#include <unistd.h>

#include "engine.h"
#include "engine_testing.h"
#include "fingerprint.h"
#include "report.h"
#include "testing.h"
#include "text_reporter.h"

using namespace keyward;
namespace fs = std::filesystem;

namespace {

std::unique_ptr<Engine> hf_engine(Config cfg = {}) { return testing::make_hf_engine(std::move(cfg)); }

std::vector<Finding> scan(const Engine& e, const std::string& path, const std::string& data) {
  return testing::scan_blob(e, path, data);
}

std::string text_report(const std::vector<Finding>& fs, bool show = false) {
  Report rep;
  rep.findings = fs;
  rep.mode = "disk";
  ReportOptions ro;
  ro.show_secrets = show;
  std::ostringstream out;
  write_text(out, rep, ro);
  return out.str();
}

}  // namespace

TEST_CASE("scanner: each excerpt masks the other secrets of its line", "[scanner][mask]") {
  auto e = hf_engine();
  std::string a = testing::fake_hf_token(61), b = testing::fake_hf_token(62);
  auto fs = scan(*e, ".env", "HF=" + a + " OTHER=" + b + "\n");
  REQUIRE(fs.size() == 2);
  for (auto& f : fs) CHECK(!f.context_masks.empty());
  std::string text = text_report(fs);
  CHECK(text.find(a) == std::string::npos);
  CHECK(text.find(b) == std::string::npos);
  CHECK(text.find(a.substr(10, 10)) == std::string::npos);
  CHECK(text.find(b.substr(10, 10)) == std::string::npos);
  // --show-secrets shows the line as it is.
  std::string shown = text_report(fs, true);
  CHECK(shown.find(a) != std::string::npos);
  CHECK(shown.find(b) != std::string::npos);
}

TEST_CASE("scanner: candidates dropped by a filter are masked in excerpts too", "[scanner][mask]") {
  std::string a = testing::fake_hf_token(63), b = testing::fake_hf_token(64);
  Config cfg;
  cfg.allow_values.add(b, false);  // b is allowlisted: not a finding, still a secret
  cfg.allow_values.finish();
  auto e = hf_engine(cfg);
  auto fs = scan(*e, "app.py", "x = ['" + a + "', '" + b + "']\n");
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].secret == a);
  std::string text = text_report(fs);
  CHECK(text.find(b.substr(10, 10)) == std::string::npos);
  CHECK(text.find(a.substr(10, 10)) == std::string::npos);
}

TEST_CASE("scanner: the base64 text of another token on the line is masked", "[scanner][mask]") {
  auto e = hf_engine();
  std::string a = testing::fake_hf_token(65), b = testing::fake_hf_token(66);
  std::string plain = "A=" + a + "\nB=" + b + "\n", enc = base64_encode(plain);
  auto fs = scan(*e, "env.yaml", "data: " + enc + "\n");
  REQUIRE(fs.size() == 2);
  std::string text = text_report(fs);
  // The base64 characters that encode each token (whole groups inside its span).
  for (const std::string* t : {&a, &b}) {
    size_t at = plain.find(*t);
    size_t gb = (at + 2) / 3 * 4, ge = (at + t->size()) / 3 * 4;
    REQUIRE(ge > gb + 12);
    CHECK(text.find(enc.substr(gb, 12)) == std::string::npos);
    CHECK(text.find(enc.substr(ge - 12, 12)) == std::string::npos);
  }
}

TEST_CASE("scanner: fingerprints use the key in force and accept the other forms", "[scanner][fingerprint]") {
  std::string a = testing::fake_hf_token(67), b = testing::fake_hf_token(68);
  Config cfg;
  cfg.fingerprint_keys = {"first-key-0123456789", "second-key-0123456789"};
  // An allowlist written before fingerprints were keyed still matches.
  cfg.allow_fingerprints.push_back(legacy_fingerprint("huggingface-user-token", b));
  auto e = hf_engine(cfg);
  auto fs = scan(*e, "a.py", "A = '" + a + "'\nB = '" + b + "'\n");
  REQUIRE(fs.size() == 1);
  const Finding& f = fs[0];
  CHECK(f.secret == a);
  CHECK(f.fingerprint == keyed_fingerprint("first-key-0123456789", f.rule_id, a));
  CHECK(f.fingerprint != legacy_fingerprint(f.rule_id, a));
  REQUIRE(f.fingerprint_forms.size() == 2);
  CHECK(f.fingerprint_forms[0] == keyed_fingerprint("second-key-0123456789", f.rule_id, a));
  CHECK(f.fingerprint_forms[1] == legacy_fingerprint(f.rule_id, a));
}

TEST_CASE("scanner: an allow marker silences the nearest finding before it, and only that one", "[scanner]") {
  std::string a = testing::fake_hf_token(71), b = testing::fake_hf_token(72), c = testing::fake_hf_token(73);
  Config cfg;
  auto e = hf_engine(cfg);
  auto fs = scan(*e, "min.json", "{\"x\":\"" + a + "\",\"note\":\"keyward:allow\",\"y\":\"" + b + "\",\"z\":\"" + c + "\"}");
  REQUIRE(fs.size() == 2);
  CHECK(fs[0].secret == b);
  CHECK(fs[1].secret == c);
  for (auto& f : fs) CHECK_FALSE(f.rule_id.empty());  // the findings kept are whole
}
