// libFuzzer target: the whole per-blob pipeline (decode -> Hyperscan -> RE2 confirm ->
// filters -> locate) on arbitrary bytes, with every rule loaded. The first input byte picks
// the path, so notebook and JSON handling are reached too. Checks that findings point
// inside the blob.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "engine.h"

namespace {

struct FuzzState {
  std::unique_ptr<keyward::Engine> engine;
  keyward::MatchScratch scratch;
};

FuzzState* state() {
  static FuzzState* s = [] {
    keyward::EngineOptions eo;
    const char* dir = std::getenv("KEYWARD_RULES");
    eo.rules_dir = dir && *dir ? dir : KEYWARD_SOURCE_PATTERNS_DIR;
    // Compiled once, not on every fuzz run (tests/fuzz/run.sh gives a cache directory).
    const char* cache = std::getenv("KEYWARD_CACHE_DIR");
    eo.cache_dir = cache && *cache ? cache : "/tmp/keyward-fuzz-cache";
    auto e = keyward::Engine::create(std::move(eo));
    if (!e) {
      std::fprintf(stderr, "matcher_fuzz: cannot load rules: %s\n", e.error().c_str());
      std::abort();
    }
    auto* st = new FuzzState;
    st->engine = std::move(*e);
    auto sc = st->engine->matcher().make_scratch();
    if (!sc) std::abort();
    st->scratch = std::move(*sc);
    return st;
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzState* s = state();
  static const char* kPaths[] = {"a.txt", "nb/x.ipynb", "conf.json", "env/.env", "k8s/secret.yaml"};
  std::string_view path = kPaths[size ? data[0] % 5 : 0];
  std::string_view blob(reinterpret_cast<const char*>(data), size);
  keyward::BlobFacts facts;
  auto found = s->engine->scanner().scan(path, blob, s->scratch, &facts);
  if (!found) return 0;
  for (const auto& f : *found) {
    if (f.offset > f.end_offset || f.end_offset > size || f.line == 0 || f.column == 0 || f.secret.empty())
      std::abort();
  }
  return 0;
}
