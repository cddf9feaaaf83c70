// A warm start does work in proportion to what is staged: rules and vocabulary come from
// the rule cache, the vocabulary is decoded only for a candidate that reaches the word
// filter, and a vocabulary edit is seen on the next start without recompiling patterns.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "engine.h"
#include "engine_testing.h"
#include "testing.h"

using namespace keyward;
namespace fs = std::filesystem;

namespace {

struct WarmDirs {
  fs::path root, rules, cache;
  WarmDirs() {
    root = fs::temp_directory_path() / ("keyward-warm-start-" + std::to_string(::getpid()));
    rules = root / "rules";
    cache = root / "cache";
    fs::create_directories(rules);
    fs::copy_file(fs::path(KEYWARD_SOURCE_PATTERNS_DIR) / "huggingface.toml", rules / "huggingface.toml",
                  fs::copy_options::overwrite_existing);
    write_words("pretrained cache causal default vision");
  }
  ~WarmDirs() { fs::remove_all(root); }
  void write_words(const std::string& words) {
    std::ofstream(rules / "words.txt") << "[words]\n" << words << "\n";
  }
  std::unique_ptr<Engine> engine() {
    EngineOptions o;
    o.rules_dir = rules.string();
    o.cache_dir = cache.string();
    auto e = Engine::create(std::move(o));
    if (!e) FAIL(e.error());
    return std::move(*e);
  }
};

// An identifier made of vocabulary words in a Hugging Face token's shape, built here.
std::string wordy_token() { return std::string("hf_") + "Pretrained" + "Cache" + "Causal" + "Default" + "Vision"; }

}  // namespace

TEST_CASE("warm start: the vocabulary comes from the rule cache, decoded only for a candidate", "[engine][warm]") {
  WarmDirs d;
  d.engine();  // cold: parses the files and fills the cache
  auto e = d.engine();
  CHECK(e->database().origin() == HsDatabase::Origin::Cache);
  CHECK_FALSE(e->rules().vocabulary_decoded());
  CHECK(testing::scan_blob(*e, "a.py", "print('hello')\n").empty());
  CHECK_FALSE(e->rules().vocabulary_decoded());  // no candidate, no vocabulary
  CHECK(testing::scan_blob(*e, "a.py", "HF = \"" + wordy_token() + "\"\n").empty());
  CHECK(e->rules().vocabulary_decoded());
  CHECK(testing::scan_blob(*e, "a.py", "HF = \"" + testing::fake_hf_token(7) + "\"\n").size() == 1);
}

TEST_CASE("warm start: a vocabulary edit is seen on the next start; the patterns are not recompiled",
          "[engine][warm]") {
  WarmDirs d;
  d.engine();
  CHECK(testing::scan_blob(*d.engine(), "a.py", "HF = \"" + wordy_token() + "\"\n").empty());
  d.write_words("pretrained cache");  // the rest of the token is no longer made of words
  auto e = d.engine();
  CHECK(e->database().origin() == HsDatabase::Origin::Cache);
  CHECK(testing::scan_blob(*e, "a.py", "HF = \"" + wordy_token() + "\"\n").size() == 1);
  d.write_words("pretrained cache causal default vision");
  CHECK(testing::scan_blob(*d.engine(), "a.py", "HF = \"" + wordy_token() + "\"\n").empty());
}

TEST_CASE("warm start: cached rules are decoded only for a scan that needs them", "[engine][warm]") {
  WarmDirs d;
  d.engine();
  auto e = d.engine();
  const RuleSet& rules = e->rules();
  REQUIRE(rules.size() > 1);
  auto decoded = [&] {
    size_t n = 0;
    for (size_t i = 0; i < rules.size(); ++i) n += rules.decoded(i) ? 1 : 0;
    return n;
  };
  CHECK(decoded() == 0);
  CHECK(testing::scan_blob(*e, "a.py", "print('hello')\n").empty());
  CHECK(decoded() == 0);  // no candidate, no rule decoded
  auto found = testing::scan_blob(*e, "a.py", "HF = \"" + testing::fake_hf_token(7) + "\"\n");
  REQUIRE(found.size() == 1);
  const Rule* hit = rules.find(found[0].rule_id);
  REQUIRE(hit != nullptr);
  CHECK(decoded() >= 1);
  CHECK(decoded() < rules.size());
}
