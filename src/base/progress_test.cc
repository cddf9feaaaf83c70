#include "progress.h"

#include <catch2/catch.hpp>

TEST_CASE("progress line shows objects, bytes, rate and ETA") {
  std::string l = keyward::progress_line(50, 100, 10 << 20, 2.0);
  CHECK(l.find("50/100 blobs") != std::string::npos);
  CHECK(l.find("10.0 MiB,") != std::string::npos);
  CHECK(l.find("5.0 MiB/s") != std::string::npos);
  CHECK(l.find("ETA 0:02") != std::string::npos);
  CHECK(keyward::progress_line(0, 100, 0, 0).find("ETA --:--") != std::string::npos);
}
