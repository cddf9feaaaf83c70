// libFuzzer target: the decoders (notebook cells, JSON/URL escapes, base64, UTF-16) on
// arbitrary bytes. Every view offset must map back inside the blob, and notebook cell
// spans must lie inside it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "decoders.h"
#include "notebook_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* kPaths[] = {"x.ipynb", "x.json", "x.txt", "x.yaml"};
  std::string_view path = kPaths[size ? data[0] % 4 : 0];
  std::string_view blob(reinterpret_cast<const char*>(data), size);
  keyward::BlobFacts facts;
  auto views = keyward::decode_blob(path, blob, facts);
  for (const auto& v : views) {
    for (size_t off : {size_t(0), v.text().size() / 2, v.text().size()}) {
      if (v.to_orig(off, false) > size || v.to_orig(off, true) > size) std::abort();
    }
  }
  for (const auto& c : facts.cells)
    if (c.begin > c.end || c.end > size) std::abort();
  for (const auto& [b, e] : facts.skip)
    if (b > e || e > size) std::abort();
  keyward::BlobFacts nb;
  keyward::parse_notebook(blob, nb);
  return 0;
}
