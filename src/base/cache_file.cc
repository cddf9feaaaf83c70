#include "cache_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <ctime>
#include <vector>

namespace keyward {
namespace {

// Trailer: a tag (so that a file from before this checksum never passes by chance) and the
// checksum, little-endian.
constexpr char kTrailerTag[4] = {'K', 'W', 'C', '2'};
constexpr size_t kTrailerSize = sizeof kTrailerTag + 8;

std::string trailer_for(uint64_t sum) {
  std::string t(kTrailerTag, sizeof kTrailerTag);
  for (int i = 0; i < 8; ++i) t += static_cast<char>((sum >> (8 * i)) & 0xff);
  return t;
}

constexpr uint64_t kOdd = 0x9e3779b97f4a7c15ull;

uint64_t load64(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// The checksum of the bytes that follow `lanes` (four running sums of the 8-byte words).
// Each step, lane = (lane + word) * odd, is a bijection of the lane for a given word, and
// a change to one word changes its lane's value at that step: so every change confined to
// one aligned 8-byte word (every flipped byte, in particular) changes the result. Four
// independent lanes run at several bytes per cycle, where crc32 cost a warm start about a
// millisecond on the 3.5 MB database.
struct Summer {
  uint64_t lane[4] = {0x243f6a8885a308d3ull, 0x13198a2e03707344ull, 0xa4093822299f31d0ull,
                      0x082efa98ec4e6c89ull};
  void block(const char* p) {
    for (int k = 0; k < 4; ++k) lane[k] = (lane[k] + load64(p + 8 * k)) * kOdd;
  }
  void update(const char* p, size_t n, char* pending, size_t& npending) {
    if (npending) {
      size_t take = std::min(n, 32 - npending);
      std::memcpy(pending + npending, p, take);
      npending += take, p += take, n -= take;
      if (npending < 32) return;
      block(pending);
      npending = 0;
    }
    for (; n >= 32; p += 32, n -= 32) block(p);
    std::memcpy(pending, p, n);
    npending = n;
  }
  uint64_t finish(char* pending, size_t npending, uint64_t total) {
    if (npending) {
      std::memset(pending + npending, 0, 32 - npending);
      block(pending);
    }
    // Injective in each lane given the others; the length tells zero padding from zeros.
    uint64_t h = total;
    for (auto l : lane) h = h * kOdd + l;
    return h ^ (h >> 29);
  }
};

uint64_t checksum_of(std::initializer_list<std::string_view> parts) {
  Summer s;
  char pending[32];
  size_t npending = 0;
  uint64_t total = 0;
  for (auto part : parts) {
    if (!part.empty()) s.update(part.data(), part.size(), pending, npending);
    total += part.size();
  }
  return s.finish(pending, npending, total);
}

}  // namespace

uint64_t cache_checksum(std::string_view bytes) { return checksum_of({bytes}); }

uint64_t cache_checksum_ends(std::string_view bytes, size_t ends) {
  if (ends == 0 || bytes.size() <= 2 * ends) return cache_checksum(bytes);
  uint64_t n = bytes.size();
  return checksum_of({std::string_view(reinterpret_cast<const char*>(&n), sizeof n), bytes.substr(0, ends),
                      bytes.substr(bytes.size() - ends)});
}

std::optional<std::string_view> checked_content(std::string_view file, size_t ends) {
  if (file.size() < kTrailerSize) return std::nullopt;
  std::string_view content = file.substr(0, file.size() - kTrailerSize);
  if (file.substr(content.size()) != trailer_for(cache_checksum_ends(content, ends))) return std::nullopt;
  return content;
}

bool make_dirs(const std::string& dir, unsigned mode) {
  std::string cur;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') {
      if (!cur.empty() && ::mkdir(cur.c_str(), mode) != 0 && errno != EEXIST) return false;
    }
    if (i < dir.size()) cur += dir[i];
  }
  return true;
}

// Writes to a temporary file in the same directory and renames it into place, so that a
// reader (or an interrupted writer) never sees a partial cache file.
namespace {

// Ctrl-C (or TERM/HUP/QUIT) between creating the temporary file and renaming it would leave
// it behind: those signals wait until the file is either in place or removed.
class BlockTerminationSignals {
 public:
  BlockTerminationSignals() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, s);
    active_ = ::pthread_sigmask(SIG_BLOCK, &set, &old_) == 0;
  }
  ~BlockTerminationSignals() {
    if (active_) ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  BlockTerminationSignals(const BlockTerminationSignals&) = delete;
  BlockTerminationSignals& operator=(const BlockTerminationSignals&) = delete;

 private:
  sigset_t old_;
  bool active_ = false;
};

}  // namespace

bool write_file_atomically(const std::string& path, const std::string& header, const char* data, size_t n,
                           size_t ends) {
  BlockTerminationSignals hold;
  std::string tmp = path + ".tmp.XXXXXX";
  std::vector<char> name(tmp.begin(), tmp.end());
  name.push_back('\0');
  UniqueFd fd(::mkstemp(name.data()));
  if (!fd) return false;
  auto write_all = [&](const char* p, size_t len) {
    while (len > 0) {
      ssize_t w = ::write(fd.get(), p, len);
      if (w <= 0) return false;
      p += w;
      len -= static_cast<size_t>(w);
    }
    return true;
  };
  uint64_t sum = ends == 0 ? checksum_of({header, std::string_view(data, n)})
                           : cache_checksum_ends(header + std::string(data, n), ends);  // written once
  std::string trailer = trailer_for(sum);
  bool ok = write_all(header.data(), header.size()) && write_all(data, n) && write_all(trailer.data(), trailer.size());
  ok = fd.close() && ok;
  if (ok) ok = ::rename(name.data(), path.c_str()) == 0;
  if (!ok) ::unlink(name.data());
  return ok;
}

void remove_stale(const std::string& dir, const std::string& prefix, const std::string& suffix,
                  const std::string& keep, double max_age_seconds) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  auto ends_with = [](const std::string& s, const std::string& end) {
    return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
  };
  while (auto* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.rfind(prefix, 0) != 0) continue;
    std::string full = dir + "/" + name;
    struct stat st;
    if (::stat(full.c_str(), &st) != 0) continue;
    // Age limits keep this safe: a database for another CPU target (a shared home, a run
    // under valgrind) stays for a day (by default), and a concurrent writer's temp file is never
    // taken from under it.
    double age = std::difftime(std::time(nullptr), st.st_mtime);
    bool stale = ends_with(name, suffix) && full != keep && age > max_age_seconds;
    bool temp = name.find(suffix + ".tmp.") != std::string::npos && age > 600;
    if (stale || temp) ::unlink(full.c_str());
  }
  ::closedir(d);
}

CacheDir::CacheDir(std::vector<std::string> dirs, std::vector<std::string> read_only)
    : dirs_(std::move(dirs)), read_only_(std::move(read_only)) {}

// The configured directory is the user's choice; a fallback (and any directory under /tmp
// in particular) is trusted only when it is the user's own and no one else can write it.
bool CacheDir::usable(size_t i) const {
  if (i == 0) return true;
  struct stat st;
  if (::lstat(dirs_[i].c_str(), &st) != 0) return errno == ENOENT;
  return S_ISDIR(st.st_mode) && st.st_uid == ::getuid() && (st.st_mode & 022) == 0;
}

bool CacheDir::open(const std::string& name, MappedFile& file, std::string* path) const {
  for (size_t i = 0; i < dirs_.size() + read_only_.size(); ++i) {
    if (i < dirs_.size() && !usable(i)) continue;
    std::string p = (i < dirs_.size() ? dirs_[i] : read_only_[i - dirs_.size()]) + "/" + name;
    if (file.open(p)) {
      if (path) *path = p;
      return true;
    }
  }
  return false;
}

std::string CacheDir::write(const std::string& name, const std::string& header, const char* data, size_t n,
                            size_t ends) {
  for (; writer_ < dirs_.size(); ++writer_) {
    if (!usable(writer_)) continue;
    std::string p = dirs_[writer_] + "/" + name;
    if (make_dirs(dirs_[writer_]) && usable(writer_) && write_file_atomically(p, header, data, n, ends)) {
      if (writer_ > 0 && warning_.empty())
        warning_ = "cannot write the pattern cache in '" + dirs_[0] + "'; using '" + dirs_[writer_] +
                   "' instead (set KEYWARD_CACHE_DIR to choose the cache directory)";
      return p;
    }
  }
  if (!dirs_.empty() && warning_.empty()) {
    warning_ = "cannot write the pattern cache in '" + dirs_[0] + "'";
    for (size_t i = 1; i < dirs_.size(); ++i) warning_ += (i == 1 ? " nor in '" : ", '") + dirs_[i] + "'";
    warning_ += "; every run compiles the rules (slower): set KEYWARD_CACHE_DIR to a writable directory";
  }
  return "";
}

void CacheDir::remove_stale(const std::string& prefix, const std::string& suffix, const std::string& keep,
                            double max_age_seconds) const {
  if (writer_ < dirs_.size()) keyward::remove_stale(dirs_[writer_], prefix, suffix, keep, max_age_seconds);
}

std::string CacheDir::take_warning() {
  if (warned_ || warning_.empty()) return "";
  warned_ = true;
  return warning_;
}

}  // namespace keyward
