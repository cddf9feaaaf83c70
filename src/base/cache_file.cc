#include "cache_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>
#include <signal.h>

#include <zlib.h>

#include <cerrno>
#include <ctime>
#include <vector>

namespace keyward {
namespace {

// Trailer: a tag (so that a file from before checksums never passes by chance) and the
// checksum, little-endian.
constexpr char kTrailerTag[4] = {'K', 'W', 'C', '1'};
constexpr size_t kTrailerSize = sizeof kTrailerTag + 4;

std::string trailer_for(uint32_t sum) {
  std::string t(kTrailerTag, sizeof kTrailerTag);
  for (int i = 0; i < 4; ++i) t += static_cast<char>((sum >> (8 * i)) & 0xff);
  return t;
}

// crc32 continued over more bytes (zlib returns the initial value for a null buffer, so an
// empty piece must not reach it).
uLong crc_more(uLong crc, const char* p, size_t n) {
  return n == 0 ? crc : ::crc32_z(crc, reinterpret_cast<const Bytef*>(p), static_cast<z_size_t>(n));
}

}  // namespace

uint32_t cache_checksum(std::string_view bytes) {
  return static_cast<uint32_t>(crc_more(0L, bytes.data(), bytes.size()));
}

std::optional<std::string_view> checked_content(std::string_view file) {
  if (file.size() < kTrailerSize) return std::nullopt;
  std::string_view content = file.substr(0, file.size() - kTrailerSize);
  if (file.substr(content.size()) != trailer_for(cache_checksum(content))) return std::nullopt;
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

bool write_file_atomically(const std::string& path, const std::string& header, const char* data, size_t n) {
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
  uint32_t sum = static_cast<uint32_t>(crc_more(crc_more(0L, header.data(), header.size()), data, n));
  std::string trailer = trailer_for(sum);
  bool ok = write_all(header.data(), header.size()) && write_all(data, n) && write_all(trailer.data(), trailer.size());
  ok = fd.close() && ok;
  if (ok) ok = ::rename(name.data(), path.c_str()) == 0;
  if (!ok) ::unlink(name.data());
  return ok;
}

void remove_stale(const std::string& dir, const std::string& prefix, const std::string& suffix,
                  const std::string& keep) {
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
    // under valgrind) stays for a day, and a concurrent writer's temp file is never
    // taken from under it.
    double age = std::difftime(std::time(nullptr), st.st_mtime);
    bool stale = ends_with(name, suffix) && full != keep && age > 24 * 3600;
    bool temp = name.find(suffix + ".tmp.") != std::string::npos && age > 600;
    if (stale || temp) ::unlink(full.c_str());
  }
  ::closedir(d);
}

}  // namespace keyward
