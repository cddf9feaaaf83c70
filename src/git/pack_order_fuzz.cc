// libFuzzer target: the hand-written pack index (.idx v1/v2) and pack entry header reader.
// The input is split into an .idx image and a .pack image, written to a private objects
// directory (the reader maps files), then every object the index names is looked up and
// read whole. No input may make the reader touch memory outside its maps.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "pack_order.h"

namespace fs = std::filesystem;

static std::string objects_dir() {
  static std::string dir = [] {
    char tmpl[] = "/tmp/keyward-pack-fuzz.XXXXXX";
    std::string d = mkdtemp(tmpl) ? tmpl : "/tmp/keyward-pack-fuzz";
    fs::create_directories(fs::path(d) / "pack");
    return d;
  }();
  return dir;
}

static void write_file(const fs::path& p, const uint8_t* data, size_t n) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n));
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  // First 4 bytes: where the .idx image ends.
  uint32_t split;
  std::memcpy(&split, data, 4);
  data += 4, size -= 4;
  size_t idx_size = size ? split % (size + 1) : 0;
  fs::path pack = fs::path(objects_dir()) / "pack";
  write_file(pack / "pack-fuzz.idx", data, idx_size);
  write_file(pack / "pack-fuzz.pack", data + idx_size, size - idx_size);
  auto indexes = keyward::PackIndexes::open(objects_dir());
  // Look up ids taken from the input itself, where a v2 index keeps its sorted ids (so
  // that valid inputs hit) and at scattered offsets.
  auto lookup = [&](size_t at) {
    git_oid id;
    std::memcpy(id.id, data + at, GIT_OID_RAWSZ);
    keyward::PackPosition pos = indexes.find(id);
    keyward::PackIndexes::Whole w;
    if (pos.pack != UINT32_MAX && indexes.whole(pos, &w)) {
      volatile unsigned char sink = 0;
      for (size_t i = 0; i < w.zavail; i += 4096) sink = sink ^ w.zdata[i];
      (void)sink;
    }
  };
  for (size_t k = 0, at = 8 + 1024; k < 64 && at + GIT_OID_RAWSZ <= idx_size; ++k, at += GIT_OID_RAWSZ) lookup(at);
  for (size_t at = 0; at + GIT_OID_RAWSZ <= idx_size && at < 4096; at += 97) lookup(at);
  return 0;
}
