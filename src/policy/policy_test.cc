// The policy's decisions, each alone and in its order: secret allowlists, entropy,
// validators (resolved once) and placeholders; inline comments; fingerprints; path
// allowlists per place; checkpoints; the baseline.
#include "policy.h"

#include <catch2/catch.hpp>

#include "rule_cache.h"
#include "validators.h"

using namespace keyward;

namespace {

RuleSet two_rules() {
  RuleSet rs;
  Rule gh;
  gh.id = "github-pat";
  gh.regex = "(ghp_[A-Za-z0-9]{36})";
  gh.validator = "github-crc32";
  REQUIRE(!rs.add(gh));
  Rule plain;
  plain.id = "plain";
  plain.regex = "(k_[a-z]+)";
  plain.min_entropy = 1.0;
  REQUIRE(!rs.add(plain));
  return rs;
}

Config config(const std::string& text) {
  auto c = parse_config(text, "test.toml");
  if (!c) FAIL(c.error());
  return std::move(*c);
}

// A GitHub token shape with a valid checksum, built at run time.
std::string valid_ghp(const std::string& body30) { return "ghp_" + body30 + base62_fixed(crc32(body30), 6); }

}  // namespace

TEST_CASE("policy: validators are resolved once and decide", "[policy]") {
  RuleSet rs = two_rules();
  Config c;
  Policy p(c, rs);
  std::string v;
  std::string good = valid_ghp("Zq8Lw3Rt7Yp2Nm5Kd9Hs4Gf6Jb1Xc0Va");  // 30 random letters
  good = valid_ghp(good.substr(4, 30));
  CHECK(p.keep_secret(0, good, &v));
  CHECK(v == "checksum");
  std::string bad = good.substr(0, good.size() - 1) + (good.back() == 'A' ? "B" : "A");
  CHECK_FALSE(p.keep_secret(0, bad, &v));
  CHECK(find_validator("github-crc32") != nullptr);
  CHECK(find_validator("") == nullptr);
  CHECK(find_validator("no-such-validator") == nullptr);
}

TEST_CASE("policy: entropy, the config's override of it, and placeholders", "[policy]") {
  RuleSet rs = two_rules();
  std::string v;
  {
    Config c;
    Policy p(c, rs);
    CHECK_FALSE(p.keep_secret(1, "k_aaaaaaaa", &v));  // one character: no entropy
    CHECK(p.keep_secret(1, "k_qmzvwhrt", &v));
  }
  {
    Config c = config("[rule.plain]\nmin_entropy = 4.5\n");
    Policy p(c, rs);
    CHECK_FALSE(p.keep_secret(1, "k_qmzvwhrt", &v));
  }
}

TEST_CASE("policy: secret allowlists, global and per rule", "[policy]") {
  RuleSet rs = two_rules();
  std::string v;
  Config c = config("[allowlist]\nregexes = ['^k_qm']\nstopwords = ['hrt']\n"
                    "[rule.plain]\nallow_regexes = ['zzz']\n");
  Policy p(c, rs);
  CHECK_FALSE(p.keep_secret(1, "k_qmzvwpry", &v));
  CHECK_FALSE(p.keep_secret(1, "k_xyzvwhrt", &v));
  CHECK_FALSE(p.keep_secret(1, "k_abzzzcde", &v));
  CHECK(p.keep_secret(1, "k_xwqvbnrp", &v));
}

TEST_CASE("policy: paths are judged per place, globally and per rule", "[policy]") {
  RuleSet rs = two_rules();
  Config c = config("[allowlist]\npaths = [\"/vendor\", \"sub/fixture.json\"]\n"
                    "[rule.plain]\nallow_paths = [\"tests/\"]\nallow_path_regexes = ['^gen/']\n");
  Policy p(c, rs);
  CHECK(p.path_allowed("vendor/lib.py"));
  CHECK(p.path_allowed("sub/fixture.json"));
  CHECK_FALSE(p.path_allowed("./sub/fixture.json"));  // sources normalise; the policy does not guess
  CHECK_FALSE(p.path_allowed("x/vendor/lib.py"));
  CHECK(p.allowed_at("plain", "tests/a.py"));
  CHECK(p.allowed_at("plain", "gen/a.py"));
  CHECK(p.allowed_at("github-pat", "vendor/a.py"));
  CHECK_FALSE(p.allowed_at("github-pat", "tests/a.py"));
  CHECK_FALSE(p.rule_allowed_at("plain", "vendor/a.py"));
}

TEST_CASE("policy: comments, fingerprints, checkpoints, baseline", "[policy]") {
  RuleSet rs = two_rules();
  Config c;
  Policy p(c, rs);
  CHECK(p.allowed_by_comment("k = 'x'  # keyward:allow"));
  CHECK_FALSE(p.allowed_by_comment("k = 'x'"));
  CHECK(p.checkpoint_at("nb/.ipynb_checkpoints/a-checkpoint.ipynb"));
  CHECK_FALSE(p.checkpoint_at("nb/a.ipynb"));

  Finding f;
  f.rule_id = "plain";
  f.fingerprint = p.fingerprints()("plain", "k_qmzvwhrt");
  f.fingerprint_forms = p.fingerprints().other_forms("plain", "k_qmzvwhrt");
  CHECK_FALSE(p.fingerprint_allowed(f));
  Config with_fp;
  with_fp.allow_fingerprints.push_back(f.fingerprint);
  Policy q(with_fp, rs);
  CHECK(q.fingerprint_allowed(f));

  Config off = config("[checkpoints]\nblock = false\n");
  CHECK_FALSE(Policy(off, rs).checkpoint_at("nb/.ipynb_checkpoints/a-checkpoint.ipynb"));

  Baseline b;
  b.fingerprints.insert(f.fingerprint);
  b.fingerprints.insert("unused");
  std::vector<Finding> fs{f};
  auto unused = p.apply_baseline(b, fs);
  CHECK(fs.empty());
  CHECK(unused == std::vector<std::string>{"unused"});
}

TEST_CASE("policy: the vocabulary is decoded and its filters built for the first candidate, not before",
          "[policy]") {
  RuleSet rs = two_rules();
  Vocabulary v;
  v.words = {"cache", "causal", "default", "pretrained", "vision"};
  std::string bytes = serialize_vocabulary(v);
  rs.set_vocabulary_bytes(bytes, nullptr);
  Config c;
  Policy p(c, rs);
  // A clean commit constructs the policy and asks it nothing.
  CHECK_FALSE(rs.vocabulary_decoded());
  CHECK_FALSE(p.filters_built());
  std::string validation;
  // An identifier made of vocabulary words is dropped: the words were decoded to judge it.
  CHECK_FALSE(p.keep_secret(1, std::string("k_") + "pretrainedcachecausaldefaultvision", &validation));
  CHECK(rs.vocabulary_decoded());
  CHECK(p.filters_built());
  CHECK(p.keep_secret(1, "k_qzvxwkjqpzvbnm", &validation));
}
