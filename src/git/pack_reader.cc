#include "pack_reader.h"

#include <algorithm>
#include <climits>

namespace keyward {
namespace {

constexpr int kMaxChain = 10000;  // git's own limit is far lower; this only stops a loop
// What a cached object costs beyond its bytes: the string and shared_ptr headers and its
// slot (and, without a layout, the hash map's node and bucket).
constexpr size_t kOverhead = 160;

uint64_t key_of(const PackPosition& p) { return (uint64_t(p.pack) << 48) | p.offset; }

// Evicted buffers kept for reuse: enough for a delta chain's worth, none that is large.
constexpr size_t kSpares = 256;
constexpr size_t kSpareMax = size_t(64) << 10;

constexpr uint8_t kResolved = 1, kAsked = 2;  // Layout::flags
constexpr uint8_t kOwed = 0, kFree = 1;       // the two lists of cached objects

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

PackObjectReader::PackObjectReader(const PackIndexes& packs, size_t cache_bytes, Mode mode)
    : packs_(packs), limit_(cache_bytes), mode_(mode) {
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

// Every object's header, once per pack: which objects are bases, of how many deltas. It
// reads a few bytes per object (the pages it touches are given back as the scan goes, see
// PackIndexes::entry); an entry that cannot be parsed owes nothing, and reading it later
// fails as it would have without this.
PackObjectReader::Layout* PackObjectReader::layout(uint32_t pack) {
  if (pack >= layouts_.size()) layouts_.resize(size_t(pack) + 1);
  Layout& l = layouts_[pack];
  if (l.built) return &l;
  l.built = true;
  l.offsets = packs_.offsets(pack);
  std::sort(l.offsets.begin(), l.offsets.end());
  l.offsets.erase(std::unique(l.offsets.begin(), l.offsets.end()), l.offsets.end());
  size_t n = l.offsets.size();
  l.owed.assign(n, 0);
  l.flags.assign(n, 0);
  l.slot.assign(n, kNil);
  auto ordinal = [&](uint64_t off) -> uint32_t {
    auto it = std::lower_bound(l.offsets.begin(), l.offsets.end(), off);
    return it != l.offsets.end() && *it == off ? uint32_t(it - l.offsets.begin()) : kNil;
  };
  for (size_t i = 0; i < n; ++i) {
    PackIndexes::Entry e;
    if (!packs_.entry(PackPosition{pack, l.offsets[i]}, &e)) continue;
    uint32_t base = kNil;
    if (e.type == 6) {
      base = ordinal(e.base_offset);
    } else if (e.type == 7) {
      PackPosition b = packs_.find(e.base_id);
      if (b.pack == pack) base = ordinal(b.offset);
    }
    if (base != kNil && l.owed[base] != UINT16_MAX) ++l.owed[base];
  }
  return &l;
}

bool PackObjectReader::locate(uint32_t pack, uint64_t offset, Where* out) {
  out->pos = PackPosition{pack, offset};
  out->ordinal = kNil;
  if (!learns()) return true;
  Layout* l = layout(pack);
  auto it = std::lower_bound(l->offsets.begin(), l->offsets.end(), offset);
  if (it == l->offsets.end() || *it != offset) return false;  // no object starts there: damage
  out->ordinal = uint32_t(it - l->offsets.begin());
  return true;
}

uint32_t PackObjectReader::slot_of(const Where& w) const {
  if (learns()) return layouts_[w.pos.pack].slot[w.ordinal];
  auto it = by_position_.find(key_of(w.pos));
  return it == by_position_.end() ? kNil : it->second;
}

bool PackObjectReader::owed(const Where& w) const {
  if (!learns()) return false;  // all on one list: plain LRU
  const Layout& l = layouts_[w.pos.pack];
  if (l.owed[w.ordinal] > 0) return true;
  // A walk asks for every tree, so one resolved on the way will be asked for. A diff may
  // start late in history (attribution skips the commits before its first target), and
  // the versions it resolves on the way from those commits are never asked for again.
  return mode_ == Mode::Sweep && !(l.flags[w.ordinal] & kAsked);
}

void PackObjectReader::unlink(uint32_t s) {
  Slot& x = slots_[s];
  List& l = lists_[x.list];
  if (x.prev != kNil) slots_[x.prev].next = x.next;
  else l.head = x.next;
  if (x.next != kNil) slots_[x.next].prev = x.prev;
  else l.tail = x.prev;
  x.prev = x.next = kNil;
}

void PackObjectReader::push_front(uint32_t s, uint8_t list) {
  Slot& x = slots_[s];
  List& l = lists_[list];
  x.list = list;
  x.prev = kNil;
  x.next = l.head;
  if (l.head != kNil) slots_[l.head].prev = s;
  l.head = s;
  if (l.tail == kNil) l.tail = s;
}

void PackObjectReader::settle(const Where& w) {
  uint32_t s = slot_of(w);
  if (s == kNil) return;
  uint8_t want = owed(w) ? kOwed : kFree;
  if (slots_[s].list == want) return;
  if (want == kFree && mode_ == Mode::Sweep) return evict(s);  // never read again
  unlink(s);
  push_front(s, want);
}

std::shared_ptr<std::string> PackObjectReader::buffer() {
  if (spare_.empty()) return std::make_shared<std::string>();
  auto b = std::move(spare_.back());
  spare_.pop_back();
  return b;
}

void PackObjectReader::evict(uint32_t s) {
  unlink(s);
  Slot& x = slots_[s];
  used_ -= x.data->size() + kOverhead;
  if (learns()) layouts_[x.at.pos.pack].slot[x.at.ordinal] = kNil;
  else by_position_.erase(key_of(x.at.pos));
  // A buffer nobody else holds is reused for the next object (no allocation per read).
  if (x.data.use_count() == 1 && x.data->capacity() <= kSpareMax && spare_.size() < kSpares)
    spare_.push_back(std::move(x.data));
  x.data.reset();
  free_slots_.push_back(s);
}

void PackObjectReader::remember(const Where& w, git_object_t type, const std::shared_ptr<std::string>& data) {
  if (data->size() > limit_ / 4 || slot_of(w) != kNil) return;
  if (mode_ == Mode::Sweep && !owed(w)) return;
  uint32_t s;
  if (!free_slots_.empty()) {
    s = free_slots_.back();
    free_slots_.pop_back();
  } else {
    s = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& x = slots_[s];
  x.at = w;
  x.type = type;
  x.data = data;
  if (learns()) layouts_[w.pos.pack].slot[w.ordinal] = s;
  else by_position_[key_of(w.pos)] = s;
  push_front(s, owed(w) ? kOwed : kFree);
  used_ += data->size() + kOverhead;
  // What nothing is owed goes first; only then the least recently used of the rest.
  while (used_ > limit_) {
    uint32_t victim = lists_[kFree].tail != kNil ? lists_[kFree].tail : lists_[kOwed].tail;
    if (victim == kNil) break;
    evict(victim);
  }
}

bool PackObjectReader::size_at(const PackPosition& pos, uint64_t* size) {
  PackIndexes::Entry e;
  if (!packs_.entry(pos, &e)) return false;
  if (e.type != 6 && e.type != 7) {
    *size = e.size;
    return true;
  }
  // The delta's first bytes: the base's size and the result's, two varints of at most 10
  // bytes each.
  if (!zok_) return false;
  unsigned char head[20];
  inflateReset(&zs_);
  zs_.next_in = const_cast<Bytef*>(e.zdata);
  zs_.avail_in = static_cast<uInt>(std::min<size_t>(e.zavail, UINT_MAX));
  zs_.next_out = head;
  zs_.avail_out = static_cast<uInt>(std::min<uint64_t>(sizeof head, e.size));
  int rc = ::inflate(&zs_, Z_SYNC_FLUSH);
  if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) return false;
  const unsigned char* p = head;
  const unsigned char* end = head + (zs_.next_out - head);
  uint64_t base_size = 0;
  return varint(p, end, &base_size) && varint(p, end, size);
}

PackObjectReader::Data PackObjectReader::read(const git_oid& id, git_object_t* type) {
  PackPosition pos = packs_.find(id);
  if (pos.pack == UINT32_MAX) return nullptr;
  Where w;
  if (!locate(pos.pack, pos.offset, &w)) return nullptr;
  Data data = read_at(w, type);
  if (data && learns()) {
    layouts_[w.pos.pack].flags[w.ordinal] |= kAsked;
    settle(w);
  }
  return data;
}

PackObjectReader::Data PackObjectReader::read_at(const Where& w, git_object_t* type) {
  // Walk back to a cached or whole object, then apply the deltas forwards.
  chain_.clear();
  std::shared_ptr<std::string> data;
  git_object_t base_type = GIT_OBJECT_INVALID;
  Where at = w;
  for (;;) {
    if (uint32_t s = slot_of(at); s != kNil) {
      ++hits_;
      data = slots_[s].data;
      base_type = slots_[s].type;
      uint8_t list = slots_[s].list;
      unlink(s);
      push_front(s, list);
      break;
    }
    ++misses_;
    PackIndexes::Entry e;
    if (chain_.size() > size_t(kMaxChain) || !packs_.entry(at.pos, &e)) return nullptr;
    if (e.type == 6 || e.type == 7) {
      chain_.push_back(Link{at, e});
      uint64_t base = e.base_offset;
      if (e.type == 7) {
        PackPosition b = packs_.find(e.base_id);
        if (b.pack != at.pos.pack) return nullptr;  // a base elsewhere: libgit2 knows the way
        base = b.offset;
      }
      Where next;
      if (!locate(at.pos.pack, base, &next)) return nullptr;
      at = next;
      continue;
    }
    auto whole = buffer();
    if (!inflate_to(e, *whole)) return nullptr;
    base_type = static_cast<git_object_t>(e.type);
    data = whole;
    remember(at, base_type, data);
    break;
  }
  Where base = at;
  for (size_t i = chain_.size(); i-- > 0;) {
    if (!inflate_to(chain_[i].entry, delta_)) return nullptr;
    auto next = buffer();
    if (!apply_git_delta(*data, delta_, *next)) return nullptr;
    data = std::move(next);
    const Where& made = chain_[i].at;
    if (learns()) {
      // The first time a delta is resolved, its base is owed one delta fewer.
      Layout& l = layouts_[made.pos.pack];
      if (!(l.flags[made.ordinal] & kResolved)) {
        l.flags[made.ordinal] |= kResolved;
        uint16_t& o = l.owed[base.ordinal];
        if (o && o != UINT16_MAX) --o;
        settle(base);
      }
    }
    remember(made, base_type, data);
    base = made;
  }
  *type = base_type;
  return data;
}

}  // namespace keyward
