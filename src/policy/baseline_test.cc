#include "baseline.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

#include <unistd.h>

#include "fingerprint.h"
#include "testing.h"

using namespace keyward;

namespace {

std::string temp_file(const std::string& name, const std::string& content) {
  std::string p = "/tmp/keyward-baseline-test-" + std::to_string(::getpid()) + "-" + name;
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

Finding finding(const std::string& rule, const std::string& secret, const Fingerprinter& fp) {
  Finding f;
  f.rule_id = rule;
  f.secret = secret;
  f.fingerprint = fp(rule, secret);
  f.fingerprint_forms = fp.other_forms(rule, secret);
  return f;
}

}  // namespace

TEST_CASE("baseline: the key is written and read back, entries match keyed", "[baseline]") {
  std::string key = new_fingerprint_key();
  Fingerprinter fp({key});
  std::string s = testing::fake_hf_token(71);
  std::string text = format_baseline({finding("huggingface-user-token", s, fp)}, key);
  CHECK(text.find("# fingerprint-key: " + key + "\n") != std::string::npos);
  CHECK(text.find(legacy_fingerprint("huggingface-user-token", s)) == std::string::npos);
  std::string p = temp_file("keyed", text);
  auto b = load_baseline(p);
  std::remove(p.c_str());
  REQUIRE(b);
  CHECK(b->key == key);
  std::vector<Finding> fs{finding("huggingface-user-token", s, fp), finding("huggingface-user-token", s + "x", fp)};
  CHECK(apply_baseline(*b, fs).empty());
  CHECK(fs.size() == 1);
}

TEST_CASE("baseline: an old baseline of legacy fingerprints still suppresses", "[baseline]") {
  std::string s = testing::fake_hf_token(72);
  std::string p = temp_file("legacy", "# keyward baseline\n" + legacy_fingerprint("huggingface-user-token", s) +
                                          " huggingface-user-token\n");
  auto b = load_baseline(p);
  std::remove(p.c_str());
  REQUIRE(b);
  CHECK(b->key.empty());
  std::vector<Finding> fs{finding("huggingface-user-token", s, Fingerprinter({new_fingerprint_key()}))};
  CHECK(apply_baseline(*b, fs).empty());
  CHECK(fs.empty());
}

TEST_CASE("baseline: a file that is not a baseline is an error that quotes nothing", "[baseline]") {
  std::string s = testing::fake_hf_token(73);
  std::string p = temp_file("env", "# env\n  HF_TOKEN=" + s + "\n");
  auto b = load_baseline(p);
  REQUIRE(!b);
  CHECK(b.error().find(p + ":2:3:") != std::string::npos);
  CHECK(b.error().find("HF_TOKEN") == std::string::npos);
  CHECK(b.error().find(s.substr(0, 8)) == std::string::npos);
  std::ofstream(p, std::ios::binary) << "# fingerprint-key: " << s.substr(0, 5) << "\n";
  b = load_baseline(p);
  std::remove(p.c_str());
  REQUIRE(!b);
  CHECK(b.error().find(s.substr(0, 5)) == std::string::npos);
}
