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

TEST_CASE("progress counts up without a percentage until the total is final") {
  std::string l = keyward::progress_line(500, 300, 1 << 20, 1.0, false);
  CHECK(l.find('%') == std::string::npos);
  CHECK(l.find("500 blobs scanned") != std::string::npos);
  CHECK(keyward::progress_line(3, 10, 0, 1.0, true, "files").find("3/10 files") != std::string::npos);
  // More done than the total ever said (a file grew a sibling): never past 100%.
  CHECK(keyward::progress_line(12, 10, 0, 1.0).find("100%") != std::string::npos);
}
