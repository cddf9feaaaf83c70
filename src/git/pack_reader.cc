#include "pack_reader.h"

#include <climits>

namespace keyward {
namespace {

constexpr int kMaxChain = 10000;
// What a cached object costs beyond its bytes: the string and shared_ptr headers, the list
// node and the hash map's node and bucket.
constexpr size_t kOverhead = 160;  // git's own limit is far lower; this only stops a loop

uint64_t key_of(const PackPosition& p) { return (uint64_t(p.pack) << 48) | p.offset; }

bool varint(const unsigned char*& p, const unsigned char* end, uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0;; shift += 7) {
    if (p >= end || shift > 63) return false;
    unsigned c = *p++;
    r |= uint64_t(c & 0x7f) << shift;
    if (!(c & 0x80)) break;
  }
  *v = r;
  return true;
}

}  // namespace

bool apply_git_delta(std::string_view base, std::string_view delta, std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(delta.data());
  const auto* end = p + delta.size();
  uint64_t src = 0, dst = 0;
  if (!varint(p, end, &src) || !varint(p, end, &dst) || src != base.size()) return false;
  out.clear();
  out.reserve(dst);
  while (p < end) {
    unsigned c = *p++;
    if (c & 0x80) {
      uint64_t off = 0, len = 0;
      for (int i = 0; i < 4; ++i)
        if (c & (1u << i)) {
          if (p >= end) return false;
          off |= uint64_t(*p++) << (8 * i);
        }
      for (int i = 0; i < 3; ++i)
        if (c & (0x10u << i)) {
          if (p >= end) return false;
          len |= uint64_t(*p++) << (8 * i);
        }
      if (len == 0) len = 0x10000;
      if (off + len > base.size() || out.size() + len > dst) return false;
      out.append(base.data() + off, len);
    } else if (c) {
      if (size_t(end - p) < c || out.size() + c > dst) return false;
      out.append(reinterpret_cast<const char*>(p), c);
      p += c;
    } else {
      return false;  // reserved instruction
    }
  }
  return out.size() == dst;
}

PackObjectReader::PackObjectReader(const PackIndexes& packs, size_t cache_bytes)
    : packs_(packs), limit_(cache_bytes) {
  zok_ = inflateInit(&zs_) == Z_OK;
}

PackObjectReader::~PackObjectReader() {
  if (zok_) inflateEnd(&zs_);
}

bool PackObjectReader::inflate_to(const PackIndexes::Entry& e, std::string& out) {
  if (!zok_ || e.size > UINT_MAX) return false;
  out.resize(static_cast<size_t>(e.size));
  inflateReset(&zs_);
  zs_.next_in = const_cast<Bytef*>(e.zdata);
  zs_.avail_in = static_cast<uInt>(std::min<size_t>(e.zavail, UINT_MAX));
  // One spare byte: a stream that would inflate to more than its header says is damage.
  char spare;
  zs_.next_out = reinterpret_cast<Bytef*>(out.data());
  zs_.avail_out = static_cast<uInt>(out.size());
  int rc = ::inflate(&zs_, Z_FINISH);
  if (rc == Z_BUF_ERROR && zs_.avail_out == 0) {
    zs_.next_out = reinterpret_cast<Bytef*>(&spare);
    zs_.avail_out = 1;
    rc = ::inflate(&zs_, Z_FINISH);
  }
  return rc == Z_STREAM_END && zs_.total_out == e.size;
}

const PackObjectReader::Cached* PackObjectReader::lookup(uint64_t key) {
  auto it = cache_.find(key);
  if (it == cache_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return &*it->second;
}

void PackObjectReader::remember(uint64_t key, git_object_t type, const Data& data) {
  if (data->size() > limit_ / 4 || cache_.count(key)) return;
  lru_.push_front(Cached{key, type, data});
  cache_[key] = lru_.begin();
  used_ += data->size() + kOverhead;
  while (used_ > limit_ && !lru_.empty()) {
    used_ -= lru_.back().data->size() + kOverhead;
    cache_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

PackObjectReader::Data PackObjectReader::read(const git_oid& id, git_object_t* type) {
  PackPosition pos = packs_.find(id);
  if (pos.pack == UINT32_MAX) return nullptr;
  return read_at(pos, type);
}

PackObjectReader::Data PackObjectReader::read_at(PackPosition pos, git_object_t* type) {
  // Walk back to a cached or whole object, then apply the deltas forwards.
  std::vector<std::pair<PackPosition, PackIndexes::Entry>> chain;
  Data data;
  git_object_t base_type = GIT_OBJECT_INVALID;
  for (PackPosition at = pos;;) {
    if (const Cached* c = lookup(key_of(at))) {
      ++hits_;
      data = c->data;
      base_type = c->type;
      break;
    }
    ++misses_;
    PackIndexes::Entry e;
    if (chain.size() > size_t(kMaxChain) || !packs_.entry(at, &e)) return nullptr;
    if (e.type == 6 || e.type == 7) {
      chain.emplace_back(at, e);
      if (e.type == 6) {
        at.offset = e.base_offset;
      } else {
        PackPosition b = packs_.find(e.base_id);
        if (b.pack != at.pack) return nullptr;  // a base elsewhere: libgit2 knows the way
        at = b;
      }
      continue;
    }
    auto whole = std::make_shared<std::string>();
    if (!inflate_to(e, *whole)) return nullptr;
    base_type = static_cast<git_object_t>(e.type);
    data = whole;
    remember(key_of(at), base_type, data);
    break;
  }
  for (size_t i = chain.size(); i-- > 0;) {
    if (!inflate_to(chain[i].second, delta_)) return nullptr;
    auto next = std::make_shared<std::string>();
    if (!apply_git_delta(*data, delta_, *next)) return nullptr;
    data = next;
    remember(key_of(chain[i].first), base_type, data);
  }
  *type = base_type;
  return data;
}

}  // namespace keyward
