// Parser for git's index file. Every read is bounds-checked against the map: a truncated or
// corrupt file yields an Error that names it, never a crash.
#include "index_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace keyward {
namespace {

constexpr size_t kHashSize = 20;  // SHA-1; libgit2 1.5 reads no other object format
constexpr size_t kEntryFixed = 62;  // stat data, mode, ids, sizes, oid, flags

uint32_t be32(const unsigned char* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}
uint16_t be16(const unsigned char* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

// git's offset varint (varint.c), used by v4 for the prefix length to strip.
bool decode_varint(const unsigned char*& p, const unsigned char* end, uint64_t& out) {
  if (p >= end) return false;
  unsigned char c = *p++;
  uint64_t val = c & 127;
  while (c & 128) {
    val += 1;
    if (val == 0 || (val >> 57) != 0 || p >= end) return false;
    c = *p++;
    val = (val << 7) + (c & 127);
  }
  out = val;
  return true;
}

uint64_t be64(const unsigned char* p) { return uint64_t{be32(p)} << 32 | be32(p + 4); }

// One EWAH-compressed bitmap as git writes it (ewah/ewah_io.c): bit count, word count, the
// 64-bit words, the position of the last marker word. Words alternate: a marker (bit 0: the
// run's bit; bits 1-32: run length in words; bits 33-63: literal words after it), then the
// literal words, least significant bit first. Calls on_set(first, count) for each run of
// set positions; stops with false at a malformed bitmap or a position at or past `limit`,
// so a forged run can neither loop nor allocate for long.
template <class OnSet>
bool read_ewah(const unsigned char*& p, const unsigned char* end, uint64_t limit, OnSet on_set) {
  if (end - p < 8) return false;
  uint32_t words = be32(p + 4);
  p += 8;
  if (static_cast<size_t>(end - p) / 8 < words || static_cast<size_t>(end - p) - size_t{words} * 8 < 4) return false;
  const unsigned char* w = p;
  const unsigned char* wend = p + size_t{words} * 8;
  p = wend + 4;
  uint64_t pos = 0;
  while (w < wend) {
    uint64_t marker = be64(w);
    w += 8;
    uint64_t run = (marker >> 1) & 0xFFFFFFFFu, literals = marker >> 33;
    if (pos + run * 64 < pos) return false;
    if (marker & 1 && run) {
      if (pos + run * 64 > limit) return false;
      on_set(pos, run * 64);
    }
    pos += run * 64;
    if (static_cast<uint64_t>(wend - w) / 8 < literals) return false;
    for (uint64_t k = 0; k < literals; ++k, w += 8) {
      uint64_t bits = be64(w);
      for (int b = 0; b < 64; ++b, ++pos) {
        if (!(bits >> b & 1)) continue;
        if (pos >= limit) return false;
        on_set(pos, 1);
      }
    }
  }
  return true;
}

bool file_exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}

}  // namespace

IndexFile::~IndexFile() = default;

Status IndexFile::corrupt(const std::string& what) const {
  return Error{fmt::format(
      "corrupt index file {}: {}; `git read-tree HEAD` (or removing the file and running "
      "`git reset`) rebuilds it, losing what was staged",
      name_, what)};
}

Status IndexFile::load(const std::string& path, const std::string& gitdir) {
  name_ = path;
  UniqueFd fd = UniqueFd::open(path, O_RDONLY);
  if (!fd) {
    if (errno == ENOENT) return Error{fmt::format("unsupported: no index file at {}", path), ErrorCode::Unsupported};
    return Error{fmt::format("cannot open the index file {}: {}", path, std::strerror(errno))};
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0)
    return Error{fmt::format("cannot stat the index file {}: {}", path, std::strerror(errno))};
  size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) return corrupt("the file is empty");
  auto m = MappedFile::map(fd.get(), size, /*populate=*/true);
  if (!m) return Error{fmt::format("cannot map the index file {}: {}", path, m.error())};
  map_ = std::move(*m);
  fd.reset();
  if (auto err = parse(map_.data(), size, path)) return err;
  if (!has_link_) return std::nullopt;

  static const unsigned char kNone[kHashSize] = {};
  if (std::memcmp(link_id_, kNone, kHashSize) == 0) {
    // A split index with no shared index yet: its own entries are the whole index.
    if (link_bitmaps_.first != link_bitmaps_.second)
      return corrupt("the split-index extension edits a shared index it does not name");
    has_link_ = false;
    return check_entries();
  }
  // Where git looks (read_index_from): the git directory, then the index file's directory.
  char hex[2 * kHashSize + 1];
  for (size_t k = 0; k < kHashSize; ++k) fmt::format_to(hex + 2 * k, "{:02x}", link_id_[k]);
  hex[2 * kHashSize] = 0;
  std::string shared_path;
  if (!gitdir.empty()) shared_path = fmt::format("{}/sharedindex.{}", gitdir, hex);
  if (shared_path.empty() || !file_exists(shared_path)) {
    size_t slash = path.rfind('/');
    shared_path = fmt::format("{}/sharedindex.{}", slash == std::string::npos ? "." : path.substr(0, slash), hex);
  }
  if (!file_exists(shared_path))
    return corrupt(fmt::format("it is a split index, and its shared index sharedindex.{} is missing", hex));
  auto shared = std::make_unique<IndexFile>();
  if (auto err = shared->load(shared_path, "")) return err;
  if (shared->split()) return corrupt(fmt::format("its shared index {} is itself a split index", shared_path));
  if (std::memcmp(shared->checksum(), link_id_, kHashSize) != 0)
    return corrupt(fmt::format("its shared index {} does not match the checksum it names", shared_path));
  return merge_shared(std::move(shared));
}

// git's merge_base_index: shared entries at the replace bitmap's positions take the data of
// the split index's leading nameless entries, in order; those at the delete bitmap's
// positions go; the split index's named entries are then added, replacing a shared entry of
// the same path.
Status IndexFile::merge_shared(std::unique_ptr<IndexFile> shared) {
  const auto& base = shared->entries();
  size_t nb = base.size();
  std::vector<char> gone(nb, 0);
  std::vector<uint32_t> replace;
  if (link_bitmaps_.first != link_bitmaps_.second) {
    const unsigned char* p = link_bitmaps_.first;
    auto del = [&](uint64_t first, uint64_t n) { std::fill_n(gone.begin() + static_cast<long>(first), n, 1); };
    auto rep = [&](uint64_t first, uint64_t n) {
      for (uint64_t k = 0; k < n; ++k) replace.push_back(static_cast<uint32_t>(first + k));
    };
    if (!read_ewah(p, link_bitmaps_.second, nb, del))
      return corrupt("the split-index delete bitmap points past the shared index");
    if (!read_ewah(p, link_bitmaps_.second, nb, rep))
      return corrupt("the split-index replace bitmap points past the shared index");
  }
  size_t nameless = 0;
  while (nameless < entries_.size() && entries_[nameless].path.empty()) ++nameless;
  if (nameless != replace.size())
    return corrupt(fmt::format("the split index replaces {} shared entries but holds {} replacing entries",
                               replace.size(), nameless));
  std::vector<IndexEntry> merged(base.begin(), base.end());
  for (size_t k = 0; k < replace.size(); ++k) {
    uint32_t pos = replace[k];
    if (gone[pos]) return corrupt(fmt::format("shared entry {} is both replaced and deleted", pos));
    IndexEntry e = entries_[k];
    e.path = base[pos].path;
    merged[pos] = e;
  }
  std::vector<IndexEntry> out;
  out.reserve(nb + entries_.size() - nameless);
  size_t a = 0, b = nameless;
  while (a < nb || b < entries_.size()) {
    if (a < nb && gone[a]) {
      ++a;
      continue;
    }
    if (b >= entries_.size() || (a < nb && merged[a].path < entries_[b].path)) {
      out.push_back(merged[a++]);
    } else {
      if (a < nb && merged[a].path == entries_[b].path) ++a;  // added over a shared entry
      out.push_back(entries_[b++]);
    }
  }
  entries_ = std::move(out);
  shared_ = std::move(shared);
  has_sdir_ = has_sdir_ || shared_->sparse();
  return check_entries();
}

Status IndexFile::parse_link(const unsigned char* p, const unsigned char* end) {
  if (end - p < static_cast<long>(kHashSize)) return corrupt("the split-index (link) extension is too short");
  std::memcpy(link_id_, p, kHashSize);
  p += kHashSize;
  link_bitmaps_ = {p, end};
  if (p == end) return std::nullopt;
  // The positions are checked against the shared index when merging; here only the shape.
  auto none = [](uint64_t, uint64_t) {};
  constexpr uint64_t kAny = uint64_t{1} << 40;
  if (!read_ewah(p, end, kAny, none)) return corrupt("bad delete bitmap in the split-index extension");
  if (!read_ewah(p, end, kAny, none)) return corrupt("bad replace bitmap in the split-index extension");
  if (p != end) return corrupt("trailing bytes in the split-index extension");
  return std::nullopt;
}

Status IndexFile::parse(const unsigned char* data, size_t size, const std::string& name) {
  name_ = name;
  entries_.clear();
  arena_.clear();
  tree_.clear();
  has_link_ = has_sdir_ = false;
  link_bitmaps_ = {};
  shared_.reset();
  if (size < 12 + kHashSize) return corrupt(fmt::format("only {} bytes long", size));
  if (std::memcmp(data, "DIRC", 4) != 0) return corrupt("bad signature (expected DIRC)");
  version_ = be32(data + 4);
  if (version_ < 2 || version_ > 4)
    return Error{fmt::format("unsupported: index version {} in {}", version_, name_), ErrorCode::Unsupported};
  uint32_t count = be32(data + 8);
  const unsigned char* p = data + 12;
  const unsigned char* end = data + size - kHashSize;
  std::memcpy(checksum_, end, kHashSize);
  if (auto err = parse_entries(p, end, count)) return err;
  if (auto err = parse_extensions(p, end)) return err;
  if (has_link_) {
    // Checked after the merge; until then only the shape the merge relies on: replacing
    // entries (empty paths) first, then the entries the split index adds.
    size_t k = 0;
    while (k < entries_.size() && entries_[k].path.empty()) ++k;
    for (; k < entries_.size(); ++k)
      if (entries_[k].path.empty()) return corrupt(fmt::format("entry {} has an empty path", k));
    return std::nullopt;
  }
  return check_entries();
}

Status IndexFile::check_entries() const {
  bool sparse_entries = false;
  for (size_t k = 0; k < entries_.size(); ++k) {
    const IndexEntry& en = entries_[k];
    std::string_view path = en.path;
    if (path.empty()) return corrupt(fmt::format("entry {} has an empty path", k));
    uint32_t type = en.mode & 0170000;
    if (type == 0040000 || path.back() == '/') {
      // A sparse index's directory entry stands for a whole tree; anything else shaped like
      // a directory is not an entry git writes.
      if (type != 0040000 || path.back() != '/' || !en.skip_worktree)
        return Error{fmt::format("unsupported: entry mode {:o} for '{}' in {}", en.mode, path, name_), ErrorCode::Unsupported};
      sparse_entries = true;
    } else if (type != 0100000 && type != 0120000 && type != 0160000) {
      return Error{fmt::format("unsupported: entry mode {:o} in {}", en.mode, name_), ErrorCode::Unsupported};
    }
    // Entries must be strictly sorted; libgit2 decides what to do with a file that is not.
    if (k > 0 && !(entries_[k - 1].path < path))
      return Error{fmt::format("unsupported: unsorted or duplicate entries in {}", name_), ErrorCode::Unsupported};
    if (k > 0 && entries_[k - 1].sparse_dir() && path.substr(0, entries_[k - 1].path.size()) == entries_[k - 1].path)
      return Error{fmt::format("unsupported: entries inside the sparse directory '{}' in {}", entries_[k - 1].path, name_), ErrorCode::Unsupported};
  }
  if (sparse_entries && !has_sdir_)
    return corrupt("directory entries without the sparse-index extension");
  return std::nullopt;
}

Status IndexFile::parse_entries(const unsigned char*& p, const unsigned char* end, uint32_t count) {
  // Never trust the header's count for an allocation: an entry takes at least 62 bytes.
  entries_.reserve(std::min<size_t>(count, static_cast<size_t>(end - p) / kEntryFixed + 1));
  std::vector<uint32_t> v4_offsets;  // v4 paths live in arena_, which may still move
  if (version_ == 4) v4_offsets.reserve(entries_.capacity());
  size_t prev_len = 0;
  for (uint32_t k = 0; k < count; ++k) {
    const unsigned char* e = p;
    if (static_cast<size_t>(end - e) < kEntryFixed)
      return corrupt(fmt::format("entry {} of {} runs past the end of the file (truncated?)", k, count));
    uint32_t mode = be32(e + 24);
    uint16_t flags = be16(e + 60);
    size_t fixed = kEntryFixed;
    bool ita = false, skip = false;
    if (flags & 0x4000) {
      if (version_ < 3) return corrupt(fmt::format("entry {} has extended flags in a version 2 index", k));
      if (static_cast<size_t>(end - e) < kEntryFixed + 2)
        return corrupt(fmt::format("entry {} runs past the end of the file (truncated?)", k));
      uint16_t ext = be16(e + 62);
      if (ext & ~0x6000) return corrupt(fmt::format("entry {} has unknown extended flags {:#x}", k, ext));
      skip = ext & 0x4000;
      ita = ext & 0x2000;
      fixed += 2;
    }
    if ((flags >> 12) & 3)
      return Error{fmt::format("unsupported: unmerged entries (a merge in progress) in {}", name_), ErrorCode::Unsupported};
    const unsigned char* name = e + fixed;
    std::string_view path;
    if (version_ < 4) {
      size_t raw_len = flags & 0xFFF;
      if (raw_len == 0xFFF || raw_len >= static_cast<size_t>(end - name)) {
        // Long paths store 0xFFF and need a scan; a short field past the end is truncation.
        const void* nul = std::memchr(name, 0, static_cast<size_t>(end - name));
        if (!nul) return corrupt(fmt::format("entry {}'s path runs past the end of the file (truncated?)", k));
        size_t len = static_cast<size_t>(static_cast<const unsigned char*>(nul) - name);
        if (raw_len != 0xFFF && raw_len != len)
          return corrupt(fmt::format("entry {}'s path length field disagrees with its path", k));
        raw_len = len;
      } else if (name[raw_len] != 0) {
        return corrupt(fmt::format("entry {}'s path length field disagrees with its path", k));
      }
      size_t entry_size = (fixed + raw_len + 8) & ~size_t{7};
      if (static_cast<size_t>(end - e) < entry_size)
        return corrupt(fmt::format("entry {} runs past the end of the file (truncated?)", k));
      path = std::string_view(reinterpret_cast<const char*>(name), raw_len);
      p = e + entry_size;
    } else {
      // v4: strip N bytes from the previous path, then append the NUL-terminated suffix.
      const unsigned char* q = name;
      uint64_t strip = 0;
      if (!decode_varint(q, end, strip) || strip > prev_len)
        return corrupt(fmt::format("entry {} has a bad path prefix length", k));
      const void* nul4 = std::memchr(q, 0, static_cast<size_t>(end - q));
      if (!nul4) return corrupt(fmt::format("entry {}'s path runs past the end of the file (truncated?)", k));
      size_t suffix = static_cast<size_t>(static_cast<const unsigned char*>(nul4) - q);
      size_t keep = prev_len - static_cast<size_t>(strip);
      size_t start = arena_.size();
      size_t prev_start = v4_offsets.empty() ? 0 : v4_offsets.back();
      arena_.resize(start + keep + suffix);
      // (An empty arena has no data pointer: copy only what there is.)
      if (keep) std::memmove(arena_.data() + start, arena_.data() + prev_start, keep);
      if (suffix) std::memcpy(arena_.data() + start + keep, q, suffix);
      v4_offsets.push_back(static_cast<uint32_t>(start));
      prev_len = keep + suffix;
      size_t namelen = flags & 0xFFF;
      if (namelen != 0xFFF && namelen != prev_len)
        return corrupt(fmt::format("entry {}'s path length field disagrees with its path", k));
      path = std::string_view(arena_.data() + start, prev_len);  // fixed up below
      p = static_cast<const unsigned char*>(nul4) + 1;
    }
    // A split index's own entries may have empty paths (they replace shared entries by
    // position); the `link` extension that says so comes after them, so paths, modes and
    // order are checked once the entries are final (check_entries).
    entries_.push_back(IndexEntry{path, e + 40, mode, ita, skip});
  }
  if (version_ == 4) {
    for (size_t k = 0; k < entries_.size(); ++k) {
      auto& en = entries_[k];
      en.path = std::string_view(arena_.data() + v4_offsets[k], en.path.size());
    }
  }
  return std::nullopt;
}

namespace {
// An extension's 4-byte signature, printable whatever the file holds.
std::string extension_name(const unsigned char* sig) {
  std::string out;
  for (int i = 0; i < 4; ++i) {
    if (sig[i] >= 0x20 && sig[i] < 0x7f) out += static_cast<char>(sig[i]);
    else out += fmt::format("\\x{:02x}", sig[i]);
  }
  return out;
}
}  // namespace

Status IndexFile::parse_extensions(const unsigned char* p, const unsigned char* end) {
  while (p < end) {
    if (end - p < 8) return corrupt("an extension header runs past the end of the file (truncated?)");
    const unsigned char* sig = p;
    uint32_t len = be32(p + 4);
    p += 8;
    if (static_cast<size_t>(end - p) < len)
      return corrupt(fmt::format("extension {} runs past the end of the file (truncated?)", extension_name(sig)));
    if (std::memcmp(sig, "TREE", 4) == 0) {
      // git drops a cached tree it cannot parse; so do we (then nothing is skipped).
      if (parse_tree(p, p + len)) tree_.clear();
    } else if (std::memcmp(sig, "link", 4) == 0) {
      if (has_link_) return corrupt("two split-index (link) extensions");
      if (auto err = parse_link(p, p + len)) return err;
      has_link_ = true;
    } else if (std::memcmp(sig, "sdir", 4) == 0) {
      has_sdir_ = true;  // a marker: the directory entries themselves say the rest
    } else if (sig[0] < 'A' || sig[0] > 'Z') {
      // gitformat-index: an extension whose name starts with a capital letter may be
      // ignored; any other must be understood. Not knowing it, this reader cannot say what
      // the index holds, and libgit2 (which knows fewer) cannot either: fail closed.
      return Error{fmt::format(
          "the index file {} uses the mandatory extension '{}', which keyward does not know, so it "
          "cannot tell what would be committed (a newer git wrote it?)",
          name_, extension_name(sig))};
    }
    p += len;
  }
  return std::nullopt;
}

Status IndexFile::parse_tree(const unsigned char* p, const unsigned char* end) {
  struct Open {
    size_t node;
    uint32_t remaining;
  };
  std::vector<Open> stack;
  tree_.reserve(static_cast<size_t>(end - p) / 32 + 1);  // a node takes at least ~25 bytes
  auto number = [&](int64_t& out, char stop) -> bool {
    bool neg = false;
    if (p < end && *p == '-') {
      neg = true;
      ++p;
    }
    const unsigned char* start = p;
    int64_t v = 0;
    while (p < end && *p >= '0' && *p <= '9') {
      if (v > (int64_t{1} << 40)) return false;
      v = v * 10 + (*p++ - '0');
    }
    if (p == start || p >= end || *p != stop) return false;
    ++p;
    out = neg ? -v : v;
    return true;
  };
  while (p < end) {
    if (tree_.size() > 0 && stack.empty()) return Error{"trailing data"};
    const void* nul = std::memchr(p, 0, static_cast<size_t>(end - p));
    if (!nul) return Error{"name"};
    CachedTreeNode n{};
    n.name = std::string_view(reinterpret_cast<const char*>(p),
                              static_cast<size_t>(static_cast<const unsigned char*>(nul) - p));
    p = static_cast<const unsigned char*>(nul) + 1;
    int64_t subtrees = 0;
    if (!number(n.entry_count, ' ') || !number(subtrees, '\n') || subtrees < 0) return Error{"counts"};
    n.subtrees = static_cast<uint32_t>(subtrees);
    if (n.entry_count >= 0) {
      if (static_cast<size_t>(end - p) < kHashSize) return Error{"oid"};
      std::memcpy(n.id.id, p, kHashSize);
      p += kHashSize;
    }
    if (!stack.empty()) --stack.back().remaining;
    tree_.push_back(n);
    stack.push_back({tree_.size() - 1, n.subtrees});
    while (!stack.empty() && stack.back().remaining == 0) {
      tree_[stack.back().node].span = static_cast<uint32_t>(tree_.size() - stack.back().node);
      stack.pop_back();
    }
  }
  if (!stack.empty()) return Error{"unterminated"};
  return std::nullopt;
}

}  // namespace keyward
