#include "disk_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "checkpoint.h"

namespace keyward {
namespace {

struct Walker {
  const Engine& engine;
  Report& report;
  std::vector<std::string>* unreadable;
  MatchScratch scratch;

  std::string rel(const std::string& p) const {
    // Allowlists are written relative to the scan root: drop a leading "./".
    std::string r = p;
    while (r.rfind("./", 0) == 0) r.erase(0, 2);
    return r;
  }

  Status file(const std::string& path, const struct stat& st) {
    std::string r = rel(path);
    if (engine.scanner().path_allowed(r)) return std::nullopt;
    if (engine.config().block_checkpoints && is_checkpoint_path(r)) report.findings.push_back(checkpoint_finding(path));
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
      unreadable->push_back(fmt::format("{}: {}", path, std::strerror(errno)));
      return std::nullopt;
    }
    size_t size = static_cast<size_t>(st.st_size);
    void* map = nullptr;
    if (size > 0) {
      map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (map == MAP_FAILED) {
        unreadable->push_back(fmt::format("{}: {}", path, std::strerror(errno)));
        ::close(fd);
        return std::nullopt;
      }
      ::madvise(map, size, MADV_SEQUENTIAL);
    }
    ::close(fd);
    std::string_view data(static_cast<const char*>(map), size);
    BlobFacts facts;
    auto found = engine.scanner().scan(path, data, scratch, &facts);
    if (map) ::munmap(map, size);
    if (!found) return Error{fmt::format("'{}': {}", path, found.error())};
    ++report.stats.blobs;
    report.stats.bytes += size;
    if (!facts.not_scanned.empty()) {
      ++report.stats.skipped;
      report.stats.notes.push_back(fmt::format("{}: {}, not scanned", path, facts.not_scanned));
    }
    for (auto& f : *found) report.findings.push_back(std::move(f));
    return std::nullopt;
  }

  Status walk(const std::string& path, bool top) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) {
      if (top) return Error{fmt::format("cannot scan '{}': {}", path, std::strerror(errno))};
      unreadable->push_back(fmt::format("{}: {}", path, std::strerror(errno)));
      return std::nullopt;
    }
    if (S_ISLNK(st.st_mode)) {
      // A link named on the command line is followed once; links met while walking are
      // not (loops, and files outside the tree).
      if (!top || ::stat(path.c_str(), &st) != 0) return std::nullopt;
    }
    if (S_ISREG(st.st_mode)) return file(path, st);
    if (!S_ISDIR(st.st_mode)) return std::nullopt;
    DIR* d = ::opendir(path.c_str());
    if (!d) {
      unreadable->push_back(fmt::format("{}: {}", path, std::strerror(errno)));
      return std::nullopt;
    }
    std::vector<std::string> names;
    while (auto* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n == "." || n == ".." || n == ".git") continue;
      names.push_back(n);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    std::string base = path;
    if (!base.empty() && base.back() != '/') base += '/';
    for (auto& n : names)
      if (auto e = walk(base + n, false)) return e;
    return std::nullopt;
  }
};

}  // namespace

Status scan_paths(const std::vector<std::string>& paths, const Engine& engine, Report& report,
                  std::vector<std::string>* unreadable) {
  auto scratch = engine.matcher().make_scratch();
  if (!scratch) return Error{scratch.error()};
  Walker w{engine, report, unreadable, std::move(*scratch)};
  for (auto& p : paths)
    if (auto e = w.walk(p, true)) return e;
  return std::nullopt;
}

}  // namespace keyward
