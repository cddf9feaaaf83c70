// libFuzzer target: the hand-written index file parser on arbitrary bytes. It must reject
// or accept every input without reading outside it; accepted entries and cached-tree nodes
// must be internally consistent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "index_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  keyward::IndexFile index;
  if (index.parse(data, size, "fuzz-index")) return 0;  // rejected: fine, as long as it said so
  for (const auto& e : index.entries()) {
    if (e.oid < data || e.oid + 20 > data + size) std::abort();
    if (e.path.size() > size * 64 + 4096) std::abort();  // v4 prefix compression is bounded by input
  }
  const auto& tree = index.cached_tree();
  for (size_t i = 0; i < tree.size(); ++i)
    if (tree[i].span == 0 || i + tree[i].span > tree.size()) std::abort();
  return 0;
}
