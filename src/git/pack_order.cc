#include "pack_order.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>

#include "mapped_file.h"

namespace keyward {
namespace {

uint32_t be32(const unsigned char* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

}  // namespace

// One mapped .idx file (version 1 or 2).
struct PackIndexes::Index {
  const unsigned char* base = nullptr;
  size_t size = 0;
  int version = 0;
  uint32_t count = 0;
  const unsigned char* fanout = nullptr;
  const unsigned char* names = nullptr;  // v2: count * 20; v1: count * 24 (offset + name)
  const unsigned char* offsets = nullptr;
  const unsigned char* large = nullptr;
  int64_t mtime = 0;
  const unsigned char* pack = nullptr;  // the .pack beside it, mapped (nullptr: unavailable)
  size_t pack_size = 0;
  // Object bytes read from the mapping since its pages were last given back (see note_read).
  mutable std::atomic<uint64_t> read_since_drop{0};

  // A sweep reads a pack once, front to back (blobs) or by commit (trees): pages behind it
  // are not needed again, yet they would stay resident (and count as the process's memory)
  // until the mapping goes. Every kDropEvery bytes read, all of the pack's pages are given
  // back to the page cache; the few still wanted fault back in from it. Safe under
  // concurrent readers: the mapping is private and never written, so a page dropped under
  // a reader is read again from the file, unchanged.
  //
  // What counts is the pages a read touches, not its bytes: a tree's delta spans a hundred
  // bytes but keeps a whole page resident, and a sweep makes a million such reads.
  static constexpr uint64_t kDropEvery = uint64_t(32) << 20;
  static constexpr uint64_t kPage = 4096;
  void note_read(uint64_t bytes) const {
    bytes = (bytes / kPage + 1) * kPage;
    uint64_t before = read_since_drop.fetch_add(bytes, std::memory_order_relaxed);
    if (before < kDropEvery && before + bytes >= kDropEvery) {
      ::madvise(const_cast<unsigned char*>(pack), pack_size, MADV_DONTNEED);
      read_since_drop.store(0, std::memory_order_relaxed);
    }
  }

  MappedFile idx_map, pack_map;  // own what base and pack point into

  // Maps the pack itself. A repack that deletes it later leaves this mapping intact.
  void map_pack(const std::string& idx_path) {
    std::string path = idx_path.substr(0, idx_path.size() - 4) + ".pack";
    UniqueFd fd = UniqueFd::open(path, O_RDONLY);
    if (!fd) return;
    struct stat st;
    if (::fstat(fd.get(), &st) != 0 || st.st_size < 12 + 20) return;
    auto m = MappedFile::map(fd.get(), static_cast<size_t>(st.st_size));
    if (!m) return;
    const unsigned char* p = m->data();
    if (std::memcmp(p, "PACK", 4) != 0 || (be32(p + 4) != 2 && be32(p + 4) != 3)) return;
    pack_map = std::move(*m);
    pack = p;
    pack_size = static_cast<size_t>(st.st_size);
  }

  bool map(const std::string& path) {
    UniqueFd fd = UniqueFd::open(path, O_RDONLY);
    if (!fd) return false;
    struct stat st;
    if (::fstat(fd.get(), &st) != 0 || st.st_size < 8 + 1024) return false;
    auto m = MappedFile::map(fd.get(), static_cast<size_t>(st.st_size));
    if (!m) return false;
    idx_map = std::move(*m);
    base = idx_map.data();
    size = static_cast<size_t>(st.st_size);
    mtime = st.st_mtime;
    if (std::memcmp(base, "\377tOc", 4) == 0) {
      if (be32(base + 4) != 2) return false;
      version = 2;
      fanout = base + 8;
      count = be32(fanout + 255 * 4);
      names = fanout + 1024;
      offsets = names + size_t(count) * 24;  // past names (20) and CRCs (4)
      large = offsets + size_t(count) * 4;
      return size >= 8 + 1024 + size_t(count) * 28 && fanout_valid();
    }
    version = 1;
    fanout = base;
    count = be32(fanout + 255 * 4);
    names = fanout + 1024;
    return size >= 1024 + size_t(count) * 24 && fanout_valid();
  }

  // The fan-out table must rise monotonically to `count`, or a lookup would index past the
  // name table of a corrupt file.
  bool fanout_valid() const {
    uint32_t prev = 0;
    for (int i = 0; i < 256; ++i) {
      uint32_t v = be32(fanout + i * 4);
      if (v < prev) return false;
      prev = v;
    }
    return prev == count;
  }

  // Bytes 1-8 of an id as a number ordered as the bytes are: within one fan-out bucket
  // (byte 0 equal) that decides almost every step of the search without a memcmp call.
  static uint64_t key8(const unsigned char* p) {
    uint64_t v;
    std::memcpy(&v, p + 1, sizeof v);
    return __builtin_bswap64(v);
  }

  bool find(const git_oid& id, uint64_t* offset) const {
    unsigned first = id.id[0];
    uint32_t lo = first ? be32(fanout + (first - 1) * 4) : 0, hi = be32(fanout + first * 4);
    size_t stride = version == 2 ? 20 : 24, skip = version == 2 ? 0 : 4;
    const uint64_t want = key8(id.id);
    auto key_at = [&](uint32_t i) { return key8(names + size_t(i) * stride + skip); };
    // Ids are uniform: start where `want` would sit if the bucket's ids were evenly spread,
    // and widen the window from there until it brackets `want`. A few probes, close
    // together, instead of a bisection's dozen cache misses across the whole bucket.
    if (hi - lo > 64) {
      uint32_t g = lo + uint32_t((static_cast<unsigned __int128>(want) * (hi - lo)) >> 64);
      uint64_t kg = key_at(g);
      if (kg < want) {
        lo = g + 1;
        for (uint32_t step = 8; hi - lo > step; step *= 2) {
          uint32_t b = lo + step;
          uint64_t kb = key_at(b);
          if (kb == want) break;
          if (kb > want) {
            hi = b;
            break;
          }
          lo = b + 1;
        }
      } else if (kg > want) {
        hi = g;
        for (uint32_t step = 8; hi - lo > step; step *= 2) {
          uint32_t b = hi - 1 - step;
          uint64_t kb = key_at(b);
          if (kb == want) break;
          if (kb < want) {
            lo = b + 1;
            break;
          }
          hi = b;
        }
      }
    }
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      const unsigned char* name = names + size_t(mid) * stride + skip;
      uint64_t have = key8(name);
      int c = have < want ? -1 : have > want ? 1 : std::memcmp(name, id.id, 20);
      if (c == 0) {
        if (version == 1) {
          *offset = be32(names + size_t(mid) * stride);
          return true;
        }
        uint32_t o = be32(offsets + size_t(mid) * 4);
        if (o & 0x80000000u) {
          const unsigned char* p = large + size_t(o & 0x7fffffffu) * 8;
          if (p + 8 > base + size) return false;
          *offset = (uint64_t(be32(p)) << 32) | be32(p + 4);
        } else {
          *offset = o;
        }
        return true;
      }
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return false;
  }
};

PackIndexes::PackIndexes() = default;
PackIndexes::~PackIndexes() = default;
PackIndexes::PackIndexes(PackIndexes&&) noexcept = default;
PackIndexes& PackIndexes::operator=(PackIndexes&&) noexcept = default;

PackIndexes PackIndexes::open(const std::string& objects_dir) {
  PackIndexes out;
  std::vector<std::string> dirs{objects_dir};
  std::ifstream alt(objects_dir + "/info/alternates");
  for (std::string line; std::getline(alt, line);)
    if (!line.empty() && line[0] != '#') dirs.push_back(line[0] == '/' ? line : objects_dir + "/" + line);
  for (auto& d : dirs) {
    std::string packdir = d + "/pack";
    DIR* dir = ::opendir(packdir.c_str());
    if (!dir) continue;
    while (dirent* e = ::readdir(dir)) {
      std::string name = e->d_name;
      if (name.size() < 5 || name.compare(name.size() - 4, 4, ".idx") != 0) continue;
      auto idx = std::make_shared<Index>();
      if (!idx->map(packdir + "/" + name)) continue;
      idx->map_pack(packdir + "/" + name);
      out.indexes_.push_back(std::move(idx));
    }
    ::closedir(dir);
  }
  // Newest pack first, as git searches them.
  std::stable_sort(out.indexes_.begin(), out.indexes_.end(),
                   [](const auto& a, const auto& b) { return a->mtime > b->mtime; });
  return out;
}

std::vector<uint64_t> PackIndexes::offsets(uint32_t pack) const {
  std::vector<uint64_t> out;
  if (pack >= indexes_.size()) return out;
  const Index& ix = *indexes_[pack];
  out.reserve(ix.count);
  for (uint32_t i = 0; i < ix.count; ++i) {
    if (ix.version == 1) {
      out.push_back(be32(ix.names + size_t(i) * 24));
      continue;
    }
    uint32_t o = be32(ix.offsets + size_t(i) * 4);
    if (!(o & 0x80000000u)) {
      out.push_back(o);
      continue;
    }
    const unsigned char* p = ix.large + size_t(o & 0x7fffffffu) * 8;
    if (p + 8 <= ix.base + ix.size) out.push_back((uint64_t(be32(p)) << 32) | be32(p + 4));
  }
  return out;
}

PackIndexes PackIndexes::share() const {
  PackIndexes out;
  out.indexes_ = indexes_;
  return out;
}

PackPosition PackIndexes::find(const git_oid& id) const {
  for (uint32_t i = 0; i < indexes_.size(); ++i) {
    uint64_t off;
    if (indexes_[i]->find(id, &off)) return PackPosition{i, off};
  }
  return {};
}

size_t PackIndexes::packs() const { return indexes_.size(); }

bool PackIndexes::whole(const PackPosition& pos, Whole* out) const {
  if (pos.pack >= indexes_.size()) return false;
  const Index& ix = *indexes_[pos.pack];
  if (!ix.pack || pos.offset < 12 || pos.offset >= ix.pack_size - 20) return false;
  const unsigned char* p = ix.pack + pos.offset;
  const unsigned char* end = ix.pack + ix.pack_size - 20;  // the trailing checksum is no object's
  unsigned c = *p++;
  int type = (c >> 4) & 7;
  uint64_t size = c & 15;
  for (int shift = 4; c & 0x80; shift += 7) {
    if (p >= end || shift > 57) return false;
    c = *p++;
    size |= uint64_t(c & 0x7f) << shift;
  }
  if (type < GIT_OBJECT_COMMIT || type > GIT_OBJECT_TAG) return false;  // deltas (6, 7) and junk
  ix.note_read(size / 2 + 64);  // about what its zlib stream spans
  out->type = static_cast<git_object_t>(type);
  out->size = size;
  out->zdata = p;
  out->zavail = size_t(end - p);
  return true;
}

bool PackIndexes::entry(const PackPosition& pos, Entry* out) const {
  if (pos.pack >= indexes_.size()) return false;
  const Index& ix = *indexes_[pos.pack];
  if (!ix.pack || pos.offset < 12 || pos.offset >= ix.pack_size - 20) return false;
  const unsigned char* p = ix.pack + pos.offset;
  const unsigned char* end = ix.pack + ix.pack_size - 20;
  unsigned c = *p++;
  int type = (c >> 4) & 7;
  uint64_t size = c & 15;
  for (int shift = 4; c & 0x80; shift += 7) {
    if (p >= end || shift > 57) return false;
    c = *p++;
    size |= uint64_t(c & 0x7f) << shift;
  }
  if (type == 6) {
    // The base's distance back, in git's offset encoding (each continuation adds one).
    if (p >= end) return false;
    c = *p++;
    uint64_t back = c & 0x7f;
    while (c & 0x80) {
      if (p >= end || back > (uint64_t(1) << 50)) return false;
      c = *p++;
      back = ((back + 1) << 7) | (c & 0x7f);
    }
    if (back == 0 || back > pos.offset) return false;
    out->base_offset = pos.offset - back;
  } else if (type == 7) {
    if (end - p < GIT_OID_RAWSZ) return false;
    git_oid_fromraw(&out->base_id, p);
    p += GIT_OID_RAWSZ;
  } else if (type < GIT_OBJECT_COMMIT || type > GIT_OBJECT_TAG) {
    return false;
  }
  ix.note_read(size / 2 + 64);
  out->type = type;
  out->size = size;
  out->zdata = p;
  out->zavail = size_t(end - p);
  return true;
}

}  // namespace keyward
