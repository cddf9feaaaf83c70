#include "mapped_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>

#include <catch2/catch.hpp>

using namespace keyward;

namespace {

bool fd_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

std::string temp_file(const std::string& content) {
  char path[] = "/tmp/keyward-mapped-file-test-XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
  ::close(fd);
  return path;
}

}  // namespace

TEST_CASE("UniqueFd closes its descriptor once, and moving hands it over", "[mapped_file]") {
  std::string path = temp_file("abc");
  int raw;
  {
    UniqueFd fd = UniqueFd::open(path, O_RDONLY);
    REQUIRE(fd);
    raw = fd.get();
    CHECK(::fcntl(raw, F_GETFD) & FD_CLOEXEC);  // open() adds O_CLOEXEC
    UniqueFd moved = std::move(fd);
    CHECK_FALSE(fd);
    CHECK(moved.get() == raw);
    CHECK(fd_open(raw));
  }
  CHECK_FALSE(fd_open(raw));

  UniqueFd a = UniqueFd::open(path, O_RDONLY);
  int first = a.get();
  a = UniqueFd::open(path, O_RDONLY);  // assigning closes what it held
  CHECK_FALSE((first != a.get() && fd_open(first)));
  CHECK(a.close());
  CHECK_FALSE(a);
  CHECK_FALSE(a.close());

  UniqueFd missing = UniqueFd::open(path + ".absent", O_RDONLY);
  CHECK_FALSE(missing);
  ::unlink(path.c_str());
}

TEST_CASE("MappedFile maps a file, outlives its descriptor and moves", "[mapped_file]") {
  std::string path = temp_file("hello mapped world");
  MappedFile m;
  {
    UniqueFd fd = UniqueFd::open(path, O_RDONLY);
    REQUIRE(fd);
    auto r = MappedFile::map(fd.get(), 18);
    REQUIRE(r);
    m = std::move(*r);
  }
  CHECK(m.bytes() == "hello mapped world");
  CHECK(m.size() == 18);
  MappedFile other = std::move(m);
  CHECK_FALSE(m);
  CHECK(m.bytes().empty());
  CHECK(other.bytes() == "hello mapped world");
  other.reset();
  CHECK_FALSE(other);

  MappedFile whole;
  CHECK(whole.open(path));
  CHECK(whole.bytes() == "hello mapped world");
  CHECK_FALSE(MappedFile().open(path + ".absent"));
  ::unlink(path.c_str());
}

TEST_CASE("MappedFile: an empty file maps nothing, a bad descriptor is an error", "[mapped_file]") {
  std::string path = temp_file("");
  MappedFile m;
  CHECK_FALSE(m.open(path));  // open() wants a non-empty file (cache files)
  UniqueFd fd = UniqueFd::open(path, O_RDONLY);
  auto empty = MappedFile::map(fd.get(), 0);
  REQUIRE(empty);
  CHECK_FALSE(*empty);
  auto bad = MappedFile::map(-1, 16);
  REQUIRE_FALSE(bad);
  CHECK_FALSE(bad.error().empty());
  ::unlink(path.c_str());
}
