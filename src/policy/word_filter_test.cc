// The word filter on identifiers made of words, and on random letter tokens of every case
// style, which it must never drop (the measured rate is printed).
#include "word_filter.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "vocabulary.h"
#include "vocabulary_testing.h"

using namespace keyward;

namespace {

const Vocabulary& shipped() { return testing::shipped_vocabulary(); }

std::string random_letters(std::mt19937_64& rng, const std::string& alphabet, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += alphabet[rng() % alphabet.size()];
  return s;
}

// hf_ and the pieces, joined at run time (no token-shaped literal in the source).
template <class... P>
std::string id(P... pieces) {
  return "hf_" + (std::string(pieces) + ...);
}

}  // namespace

TEST_CASE("word filter: identifiers made of words are not tokens", "[policy][words]") {
  WordFilter w(shipped().words);
  REQUIRE_FALSE(w.empty());
  // hf_ + 34 letters, the shapes code generators and tests produce.
  for (const std::string& s : {id("Pretrained", "Cache", "Causal", "Default", "Vision"), id("pretrainedcachecausaldefaultvision"),
                        id("Tokenizer", "Fast", "Configuration", "Loader"), id("HTTP", "Server", "Request", "Handler", "Factory"),
                        id("Attention", "Mask", "Padding", "Side", "Left", "Right"), id("Multimodal", "Processor", "Image", "Feature"),
                        id("Layer", "Norm", "Residual", "Dropout", "Encoders")}) {
    INFO(s);
    CHECK(w.made_of_words(s));
  }
}

TEST_CASE("word filter: what it does not judge", "[policy][words]") {
  WordFilter w(shipped().words);
  CHECK_FALSE(w.made_of_words("hf_ModelConfig"));                          // too short to judge
  CHECK_FALSE(w.made_of_words("sk_Pretrained1Cache2Causal3Default"));      // three digits: not a name
  CHECK_FALSE(w.made_of_words(id("Pretrained", "Qxzv", "Kwj", "Jfht", "Rpqz", "Wvmx", "Qzpl")));   // words cover half
  CHECK(w.coverage("PretrainedCache") == Approx(1.0));
  CHECK(w.coverage("Pretrained_Cache") == Approx(1.0));
  CHECK(w.coverage("Pretrained+Cache") == 0.0);
  // Qualified names in docstrings after `credentials:` (a generic rule's keyword).
  CHECK(w.made_of_words("oauth2client.client.OAuth2Credentials."));
  CHECK(w.made_of_words("Oauth2ClientCredentials."));
  CHECK(w.dotted_name("projects.locations.operations"));
  CHECK_FALSE(w.dotted_name("CorrectHorseBatteryStaple"));  // a passphrase is no dotted name
  WordFilter none({});
  CHECK_FALSE(none.made_of_words(id("Pretrained", "Cache", "Causal", "Default", "Vision")));
}

TEST_CASE("word filter: random tokens are never taken for words", "[policy][words]") {
  WordFilter w(shipped().words);
  std::mt19937_64 rng(20261201);
  const std::string mixed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const std::string lower = "abcdefghijklmnopqrstuvwxyz", upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const int kPerStyle = 20000;
  int dropped = 0;
  double worst = 0;
  const std::string alnum = mixed + "0123456789", url64 = alnum + "-_";
  for (const std::string* alphabet : {&mixed, &lower, &upper, &alnum, &url64})
    for (int i = 0; i < kPerStyle; ++i) {
      std::string body = random_letters(rng, *alphabet, 34);
      worst = std::max(worst, w.coverage(body));
      if (w.made_of_words("hf_" + body)) ++dropped;
    }
  WARN("random 34-character tokens taken for words: " << dropped << " of " << 5 * kPerStyle
       << "; highest coverage seen " << worst);
  CHECK(dropped == 0);
}

// A longer measurement, run by hand: ./keyward_tests "[.wordrate]"
TEST_CASE("word filter: false-filter rate over a million random hf_ tokens", "[.wordrate]") {
  WordFilter w(shipped().words);
  std::mt19937_64 rng(7);
  const std::string mixed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  int dropped = 0;
  double worst = 0;
  for (int i = 0; i < 1000000; ++i) {
    std::string body = random_letters(rng, mixed, 34);
    worst = std::max(worst, w.coverage(body));
    dropped += w.made_of_words("hf_" + body);
  }
  WARN("dropped " << dropped << " of 1000000; highest coverage " << worst);
  CHECK(dropped == 0);
}

TEST_CASE("word filter: binary glue is no value", "[policy][words]") {
  WordFilter w(shipped().words);
  // Go stores strings of one length end to end: Unicode script names after `PWD=`.
  const std::string go4 = std::string("PATH") + "AhomChamKawiLisuMiaoModiNewaThaiToto" + "TypeBodySpecFile" +
                          "quitFromicmpigmpftpspop3smtpdial";
  CHECK(w.glued_words(go4));
  CHECK(w.glued_words(std::string("OldItalicOldPermic") + "OldPersianOldSogdianOldTurkicOldUyghur"));
  // Passphrases and short identifiers are left to the other tests.
  CHECK_FALSE(w.glued_words("CorrectHorseBatteryStaple"));
  CHECK_FALSE(w.glued_words(std::string("CorrectHorse") + "BatteryStapleBlueSkyRedCar"));  // eight words
  CHECK_FALSE(w.glued_words(go4 + "_x"));  // a separator: not one glued run
  // marshal: type `z`, a length byte, then the next constant.
  const std::string dotted = "datamigration.projects.locations.operations";
  CHECK(w.marshal_glued_name("z" + std::string(1, static_cast<char>(dotted.size())) + dotted));
  CHECK(w.marshal_glued_name("Z" + std::string(1, static_cast<char>(dotted.size())) + dotted));
  CHECK_FALSE(w.marshal_glued_name("z" + std::string(1, static_cast<char>(dotted.size() + 1)) + dotted));  // length off
  std::mt19937_64 rng(31);
  const std::string b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string random = random_letters(rng, b64, 43);
  CHECK_FALSE(w.marshal_glued_name("z" + std::string(1, static_cast<char>(random.size())) + random));  // a token
}

TEST_CASE("word filter: random letters are never taken for glued words", "[policy][words]") {
  WordFilter w(shipped().words);
  std::mt19937_64 rng(20261202);
  const std::string mixed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  int dropped = 0, total = 0;
  for (size_t n : {32, 34, 40, 48, 56, 64, 88, 128})
    for (int i = 0; i < 25000; ++i, ++total) {
      std::string s = random_letters(rng, mixed, n);
      if (w.glued_words(s)) {
        ++dropped;
        WARN(s);
      }
    }
  WARN("random letter tokens taken for glued words: " << dropped << " of " << total);
  CHECK(dropped == 0);
}
