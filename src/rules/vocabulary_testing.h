// Test helper: the vocabulary shipped in patterns/, loaded once per test binary.
#pragma once
#include <utility>

#include <catch2/catch.hpp>

#include "vocabulary.h"

namespace keyward::testing {

inline const Vocabulary& shipped_vocabulary() {
  static const Vocabulary v = [] {
    auto r = load_vocabulary(KEYWARD_SOURCE_PATTERNS_DIR);
    if (!r) FAIL(r.error());
    return std::move(*r);
  }();
  return v;
}

}  // namespace keyward::testing
