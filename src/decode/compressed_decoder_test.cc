#include "compressed_decoder.h"

#include <zlib.h>

#include <catch2/catch.hpp>
#include <string>

#include "testing.h"

using namespace keyward;

namespace {

std::string gzip_of(const std::string& text) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, text.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace

TEST_CASE("gzip content is inflated into a view at the file's start", "[decode][gzip]") {
  std::string tok = testing::fake_hf_token(77);
  std::string gz = gzip_of("A=1\nHF_TOKEN=" + tok + "\n");
  View v;
  std::string incomplete;
  REQUIRE(decode_compressed(gz, 1 << 20, v, &incomplete));
  CHECK(incomplete.empty());
  CHECK(v.decoded == "gzip");
  size_t at = v.storage.find(tok);
  REQUIRE(at != std::string::npos);
  CHECK(v.to_orig(at, false) == 0);
  CHECK(v.to_orig(at + tok.size(), true) == 1);
}

TEST_CASE("gzip members after the first are inflated too", "[decode][gzip]") {
  std::string tok = testing::fake_hf_token(78);
  std::string gz = gzip_of("first\n") + gzip_of("HF_TOKEN=" + tok + "\n");
  View v;
  std::string incomplete;
  REQUIRE(decode_compressed(gz, 1 << 20, v, &incomplete));
  CHECK(incomplete.empty());
  CHECK(std::string(v.storage).find(tok) != std::string::npos);
}

TEST_CASE("gzip over the budget, cut short or damaged is reported incomplete", "[decode][gzip]") {
  std::string gz = gzip_of(std::string(1 << 20, 'a'));
  View v;
  std::string incomplete;
  decode_compressed(gz, 1000, v, &incomplete);
  CHECK(incomplete.find("budget") != std::string::npos);
  CHECK(v.storage.size() <= 1000);
  std::string cut = gzip_of(testing::fake_hf_token(79) + std::string(5000, 'x'));
  cut.resize(cut.size() / 2);
  View c;
  std::string why;
  decode_compressed(cut, 1 << 20, c, &why);
  CHECK(why.find("cut short") != std::string::npos);
}

TEST_CASE("bytes that are neither gzip nor zip give no view", "[decode][gzip]") {
  View v;
  std::string incomplete;
  CHECK_FALSE(decode_compressed("plain text\n", 1 << 20, v, &incomplete));
  CHECK_FALSE(decode_compressed(std::string("\x1f\x8b", 2), 1 << 20, v, &incomplete));
  CHECK(incomplete.empty());
}
