#include "path_table.h"

#include <algorithm>
#include <cstring>
#include <functional>

namespace keyward {
namespace {

uint32_t hash_of(uint32_t parent, std::string_view name) {
  size_t h = std::hash<std::string_view>{}(name);
  h ^= (static_cast<size_t>(parent) + 0x9e3779b97f4a7c15ull) * 0xff51afd7ed558ccdull;
  h ^= h >> 29;
  return static_cast<uint32_t>(h);
}

constexpr size_t kBlock = 256 * 1024;

}  // namespace

PathTable::PathTable() : chunks_(std::make_unique<std::array<std::unique_ptr<Node[]>, kMaxChunks>>()) {
  index_.assign(1024, 0);
  // Node 0 is the root: the empty path. It is never found by intern (no entry has an
  // empty name below it that matters: such a name interns as its own node).
  (*chunks_)[0] = std::make_unique<Node[]>(kChunk);
  (*chunks_)[0][0] = Node{"", 0, kNone};
  hashes_.push_back(0);
  count_ = 1;
}

PathTable::~PathTable() = default;
PathTable::PathTable(PathTable&&) noexcept = default;
PathTable& PathTable::operator=(PathTable&&) noexcept = default;

const char* PathTable::store_name(std::string_view name) {
  if (name.size() > block_left_) {
    size_t n = std::max(kBlock, name.size());
    name_blocks_.push_back(std::make_unique<char[]>(n));
    block_at_ = name_blocks_.back().get();
    block_left_ = n;
  }
  char* at = block_at_;
  if (!name.empty()) std::memcpy(at, name.data(), name.size());
  block_at_ += name.size();
  block_left_ -= name.size();
  return at;
}

void PathTable::grow_index() {
  std::vector<uint32_t> bigger(index_.size() * 2, 0);
  size_t mask = bigger.size() - 1;
  for (uint32_t slot : index_) {
    if (!slot) continue;
    size_t i = hashes_[slot - 1] & mask;
    while (bigger[i]) i = (i + 1) & mask;
    bigger[i] = slot;
  }
  index_ = std::move(bigger);
}

uint32_t PathTable::intern(uint32_t parent, std::string_view name, bool* fresh) {
  uint32_t h = hash_of(parent, name);
  size_t mask = index_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    uint32_t slot = index_[i];
    if (!slot) break;
    uint32_t id = slot - 1;
    if (hashes_[id] != h) continue;
    const Node& n = node(id);
    if (n.parent == parent && n.len == name.size() && std::memcmp(n.name, name.data(), name.size()) == 0) {
      if (fresh) *fresh = false;
      return id;
    }
  }
  uint32_t id = count_;
  if ((id & (kChunk - 1)) == 0) (*chunks_)[id >> kChunkBits] = std::make_unique<Node[]>(kChunk);
  (*chunks_)[id >> kChunkBits][id & (kChunk - 1)] = Node{store_name(name), static_cast<uint32_t>(name.size()), parent};
  hashes_.push_back(h);
  ++count_;
  if (size_t(count_) * 2 > index_.size()) {
    grow_index();
  } else {
    for (size_t i = h & mask;; i = (i + 1) & mask)
      if (!index_[i]) {
        index_[i] = id + 1;
        break;
      }
  }
  if (fresh) *fresh = true;
  return id;
}

uint32_t PathTable::intern_path(std::string_view path) {
  uint32_t id = kRoot;
  while (!path.empty()) {
    size_t slash = path.find('/');
    id = intern(id, path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return id;
}

void PathTable::append_path(uint32_t id, std::string& out) const {
  if (id == kNone || id == kRoot) return;
  // Components from the leaf up, then written in order: no recursion however deep.
  size_t total = 0;
  for (uint32_t at = id; at != kRoot; at = node(at).parent) total += node(at).len + 1;
  size_t start = out.size();
  out.resize(start + total - 1);
  size_t end = out.size();
  for (uint32_t at = id; at != kRoot; at = node(at).parent) {
    const Node& n = node(at);
    end -= n.len;
    if (n.len) std::memcpy(&out[end], n.name, n.len);
    if (end > start) out[--end] = '/';
  }
}

void PathTable::append_tail(uint32_t id, size_t context, std::string& out) const {
  if (id == kNone || id == kRoot) return;
  // Walk up only as far as the bytes wanted: the leaf's name, then "/" + parent names.
  size_t want = node(id).len + context;
  size_t total = 0;
  uint32_t top = id;
  for (uint32_t at = id; at != kRoot && total < want; at = node(at).parent) {
    total += node(at).len + (at == id ? 0 : 1);
    top = at;
  }
  size_t keep = std::min(total, want);
  size_t start = out.size();
  out.resize(start + keep);
  // Written from the end; the topmost component may be cut on its left.
  size_t end = out.size();
  for (uint32_t at = id;; at = node(at).parent) {
    const Node& n = node(at);
    size_t take = std::min<size_t>(n.len, end - start);
    end -= take;
    if (take) std::memcpy(&out[end], n.name + (n.len - take), take);
    if (at == top || end == start) break;
    out[--end] = '/';
    if (end == start) break;
  }
}

std::string PathTable::path(uint32_t id) const {
  std::string out;
  append_path(id, out);
  return out;
}

}  // namespace keyward
