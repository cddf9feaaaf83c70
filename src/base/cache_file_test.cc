#include "cache_file.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

using namespace keyward;

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("a cache file carries a checksum that every flipped byte breaks", "[cache_file]") {
  char dir[] = "/tmp/keyward-cache-file-test-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  std::string path = std::string(dir) + "/rules-x.bin";
  std::string header = "HEADER-KEY-0123456789";
  std::string data;
  for (int i = 0; i < 3000; ++i) data += static_cast<char>((i * 131 + 7) & 0xff);
  REQUIRE(write_file_atomically(path, header, data.data(), data.size()));
  std::string file = read_all(path);
  auto content = checked_content(file);
  REQUIRE(content);
  CHECK(*content == header + data);
  CHECK(cache_checksum(*content) == cache_checksum(header + data));
  for (size_t pos = 0; pos < file.size(); ++pos) {
    for (int mask : {0x01, 0x80, 0xff}) {
      std::string bad = file;
      bad[pos] = static_cast<char>(bad[pos] ^ mask);
      INFO("byte " << pos << " xor " << mask);
      REQUIRE_FALSE(checked_content(bad));
    }
  }
  // Truncated, extended, empty: none passes.
  for (size_t cut = 0; cut < file.size(); cut += 17) CHECK_FALSE(checked_content(file.substr(0, cut)));
  CHECK_FALSE(checked_content(file + "x"));
  CHECK_FALSE(checked_content(""));
  // An empty payload is fine too.
  REQUIRE(write_file_atomically(path, "", "", 0));
  CHECK(checked_content(read_all(path)) == std::optional<std::string_view>(""));
  ::unlink(path.c_str());
  ::rmdir(dir);
}
