// Test helpers shared by the unit tests that run the real engine: an engine with only the
// Hugging Face rules (patterns/huggingface.toml), compiled into a temporary directory, and
// a one-blob scan through it. Header-only, for *_test.cc files (it uses Catch2).
#pragma once
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine.h"

namespace keyward::testing {

inline std::unique_ptr<Engine> make_hf_engine(Config cfg = {}) {
  namespace fs = std::filesystem;
  static std::atomic<unsigned> serial{0};
  fs::path dir = fs::temp_directory_path() /
                 ("keyward-hf-engine-" + std::to_string(::getpid()) + "-" + std::to_string(serial++));
  fs::create_directories(dir);
  fs::copy_file(fs::path(KEYWARD_SOURCE_PATTERNS_DIR) / "huggingface.toml", dir / "huggingface.toml",
                fs::copy_options::overwrite_existing);
  EngineOptions o;
  o.rules_dir = dir.string();
  o.config = std::move(cfg);
  auto e = Engine::create(std::move(o));
  fs::remove_all(dir);
  if (!e) FAIL(e.error());
  return std::move(*e);
}

// One engine for every test that needs no configuration of its own.
inline const Engine& hf_engine() {
  static std::unique_ptr<Engine> engine = make_hf_engine();
  return *engine;
}

inline Result<std::vector<Finding>> try_scan(const Engine& e, const std::string& path, const std::string& data,
                                             BlobFacts* facts = nullptr) {
  auto scratch = e.matcher().make_scratch();
  REQUIRE(scratch);
  return e.scanner().scan(path, data, *scratch, facts);
}

inline std::vector<Finding> scan_blob(const Engine& e, const std::string& path, const std::string& data,
                                      BlobFacts* facts = nullptr) {
  auto r = try_scan(e, path, data, facts);
  REQUIRE(r);
  return *r;
}

}  // namespace keyward::testing
