// The three reporters on one hand-made report: each format carries the finding's place and
// rule, none shows the raw secret unless asked, and the JSON and SARIF documents parse.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "json_cursor.h"
#include "json_reporter.h"
#include "report.h"
#include "rule_set.h"
#include "sarif_reporter.h"
#include "testing.h"
#include "text_reporter.h"

using namespace keyward;

namespace {

struct Fixture {
  RuleSet rules;
  Report report;
  std::string secret = testing::fake_hf_token(321);
  Fixture() {
    std::vector<Rule> rs;
    REQUIRE_FALSE(RuleSet::parse_file("[[rules]]\nid = \"huggingface-user-token\"\ndescription = \"HF token\"\n"
                                      "regex = '(hf_[A-Za-z]{34})'\n",
                                      "hf.toml", rs));
    REQUIRE_FALSE(rules.add(rs[0]));
    Finding f;
    f.rule_id = "huggingface-user-token";
    f.description = "HF token";
    f.path = "dir/a b.json";
    f.secret = secret;
    f.line = 3, f.column = 12, f.end_line = 3, f.end_column = 12 + 37;
    f.column_utf16 = 12, f.end_column_utf16 = 12 + 37;
    f.context = "  \"token\": \"" + secret + "\"";
    f.context_secret_begin = 12;
    f.context_secret_end = 12 + secret.size();
    f.fingerprint = "0123456789abcdef0123456789abcdef";
    report.findings.push_back(f);
    report.rules = &rules;
    report.mode = "disk";
  }
  std::string run(void (*w)(std::ostream&, const Report&, const ReportOptions&), bool show = false) {
    std::ostringstream out;
    ReportOptions o;
    o.show_secrets = show;
    w(out, report, o);
    return out.str();
  }
};

void parses(const std::string& doc) {
  CHECK(JsonCursor::valid(doc));
}

}  // namespace

TEST_CASE("reporters: text says path:line:column: rule and masks the secret", "[report]") {
  Fixture fx;
  std::string text = fx.run(write_text);
  CHECK(text.find("dir/a b.json:3:12: huggingface-user-token") != std::string::npos);
  CHECK(text.find(fx.secret) == std::string::npos);
  CHECK(text.find(fx.secret.substr(5, 20)) == std::string::npos);
  CHECK(fx.run(write_text, true).find(fx.secret) != std::string::npos);
}

TEST_CASE("reporters: json is the documented document, secret masked", "[report]") {
  Fixture fx;
  std::string doc = fx.run(write_json);
  parses(doc);
  CHECK(doc.find("\"version\": 1") != std::string::npos);
  CHECK(doc.find("\"path\": \"dir/a b.json\"") != std::string::npos);
  CHECK(doc.find("\"line\": 3") != std::string::npos);
  CHECK(doc.find(fx.secret) == std::string::npos);
  CHECK(fx.run(write_json, true).find(fx.secret) != std::string::npos);
}

TEST_CASE("reporters: sarif 2.1.0 with UTF-16 columns, secret masked", "[report]") {
  Fixture fx;
  std::string doc = fx.run(write_sarif);
  parses(doc);
  CHECK(doc.find("\"2.1.0\"") != std::string::npos);
  CHECK(doc.find("utf16CodeUnits") != std::string::npos);
  CHECK(doc.find("\"ruleId\": \"huggingface-user-token\"") != std::string::npos);
  CHECK(doc.find(fx.secret) == std::string::npos);
}

TEST_CASE("reporters: terminal control bytes in a path are neutralised", "[report]") {
  CHECK(sanitize_for_terminal("a\x1b[31mb") == "a?[31mb");
}
