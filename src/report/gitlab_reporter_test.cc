#include "gitlab_reporter.h"

#include <sstream>

#include <catch2/catch.hpp>

#include "testing.h"

using namespace keyward;

TEST_CASE("gitlab report: the schema's required fields, the secret masked", "[gitlab]") {
  std::string tok = testing::fake_token("hf_", testing::kLetters, 34, 7);
  Report report;
  report.stats.seconds = 1.5;
  Finding f;
  f.rule_id = "huggingface-user-token";
  f.description = "Hugging Face user access token";
  f.path = "a/b.py";
  f.secret = tok;
  f.line = f.end_line = 3;
  f.fingerprint = "abc";
  report.findings.push_back(f);
  f.commit = "0123456789abcdef0123456789abcdef01234567";
  report.findings.push_back(f);
  std::ostringstream out;
  ReportOptions ro;
  ro.show_secrets = true;  // ignored: the report goes to a server
  write_gitlab(out, report, ro, 86400 * 365);
  std::string s = out.str();
  CHECK(s.find(tok) == std::string::npos);
  CHECK(s.find(tok.substr(5, 10)) == std::string::npos);
  CHECK(s.find("\"version\": \"15.0.7\"") != std::string::npos);
  CHECK(s.find("\"category\": \"secret_detection\"") != std::string::npos);
  CHECK(s.find("\"type\": \"secret_detection\"") != std::string::npos);
  CHECK(s.find("\"end_time\": \"1971-01-01T00:00:00\"") != std::string::npos);
  CHECK(s.find("\"start_time\": \"1970-12-31T23:59:58\"") != std::string::npos);
  CHECK(s.find("\"sha\": \"0000000\"") != std::string::npos);
  CHECK(s.find("\"sha\": \"0123456789abcdef0123456789abcdef01234567\"") != std::string::npos);
  CHECK(s.find("\"file\": \"a/b.py\", \"start_line\": 3") != std::string::npos);
}

TEST_CASE("gitlab report: no findings is an empty array and a successful scan", "[gitlab]") {
  Report report;
  std::ostringstream out;
  write_gitlab(out, report, ReportOptions{}, 1);
  CHECK(out.str().find("\"vulnerabilities\": []") != std::string::npos);
  CHECK(out.str().find("\"status\": \"success\"") != std::string::npos);
}

TEST_CASE("gitlab report: texts over the format's limits are cut at a character boundary", "[gitlab]") {
  Report report;
  Finding f;
  f.rule_id = "acme-key";
  f.path = "a.env";
  f.line = f.end_line = 1;
  f.description = "x";
  for (int i = 0; i < 300; ++i) f.description += "\xC3\xA9";  // é: two bytes, cut inside one
  report.findings.push_back(f);
  std::ostringstream out;
  write_gitlab(out, report, ReportOptions{}, 1);
  std::string s = out.str();
  auto at = s.find("\"name\": \"");
  REQUIRE(at != std::string::npos);
  at += 9;
  std::string name = s.substr(at, s.find('"', at) - at);
  CHECK(name.size() <= 255);
  CHECK(name.substr(name.size() - 3) == "\xE2\x80\xA6");
  CHECK(name.substr(0, 3) == "x\xC3\xA9");
  // Whole characters only before the ellipsis: "x" plus complete two-byte pairs.
  CHECK((name.size() - 3 - 1) % 2 == 0);
}
