#include "cache_file.h"

#include <sys/stat.h>
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

TEST_CASE("a cache directory that cannot be written falls back, says so once, trusts only the user's own",
          "[cache_file]") {
  char dir[] = "/tmp/keyward-cache-dir-test-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  std::string base = dir;
  std::string blocker = base + "/file";
  { std::ofstream(blocker) << "x"; }
  std::string shared = base + "/shared", own = base + "/own";
  REQUIRE(::mkdir(shared.c_str(), 0777) == 0);
  REQUIRE(::chmod(shared.c_str(), 0777) == 0);
  CacheDir cache({blocker + "/cache", shared, own}, {});
  std::string p1 = cache.write("a.bin", "", "abc", 3);
  CHECK(p1 == own + "/a.bin");
  std::string w = cache.take_warning();
  CHECK(w.find(blocker + "/cache") != std::string::npos);
  CHECK(w.find(own) != std::string::npos);
  CHECK(cache.write("b.bin", "", "def", 3) == own + "/b.bin");
  CHECK(cache.take_warning().empty());  // once per run
  MappedFile f;
  std::string found;
  REQUIRE(cache.open("a.bin", f, &found));
  CHECK(found == p1);
  // A file planted in the directory others can write is never read.
  { std::ofstream(shared + "/c.bin") << "planted"; }
  MappedFile g;
  CHECK_FALSE(cache.open("c.bin", g));
  // Nothing writable at all: one warning naming them, and writes report failure.
  CacheDir none({blocker + "/x", blocker + "/y"}, {});
  CHECK(none.write("a.bin", "", "abc", 3).empty());
  CHECK(none.write("b.bin", "", "abc", 3).empty());
  CHECK(none.take_warning().find("every run compiles") != std::string::npos);
  CHECK(none.take_warning().empty());
  for (auto* n : {"a.bin", "b.bin"}) ::unlink((own + "/" + n).c_str());
  ::unlink((shared + "/c.bin").c_str());
  ::rmdir(own.c_str());
  ::rmdir(shared.c_str());
  ::unlink(blocker.c_str());
  ::rmdir(dir);
}
