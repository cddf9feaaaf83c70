#include "disk_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "checkpoint.h"

namespace keyward {
namespace {

// Fewer files than this are scanned on the calling thread: a tiny scan must not pay for
// starting threads.
constexpr size_t kParallelFrom = 32;

struct FileJob {
  std::string path;
  size_t size = 0;
};

// What scanning one file produced; merged in walk order so output is deterministic.
struct FileResult {
  std::vector<Finding> findings;
  std::string unreadable;   // "path: reason" when it could not be read
  std::string not_scanned;  // a note when the decoders declined it
  std::string error;        // a scan failure (fails the whole run)
  size_t bytes = 0;         // as read
  bool scanned = false;
};

// Walking collects the files to read; it decides allowlists and checkpoint findings,
// which need no file contents.
struct Walker {
  const Engine& engine;
  Report& report;
  std::vector<std::string>* unreadable;
  std::vector<FileJob> files;

  static std::string rel(const std::string& p) {
    // Allowlists are written relative to the scan root: drop a leading "./".
    std::string r = p;
    while (r.rfind("./", 0) == 0) r.erase(0, 2);
    return r;
  }

  void file(const std::string& path, const struct stat& st) {
    std::string r = rel(path);
    if (engine.scanner().path_allowed(r)) return;
    if (engine.config().block_checkpoints && is_checkpoint_path(r)) report.findings.push_back(checkpoint_finding(path));
    files.push_back({path, static_cast<size_t>(st.st_size)});
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
    if (S_ISREG(st.st_mode)) {
      file(path, st);
      return std::nullopt;
    }
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

// Small files are read into the worker's own buffer: mapping and unmapping costs more than
// copying them (and munmap in a threaded process interrupts the other cores). Large files
// are mapped, so memory stays bounded by one file per worker.
constexpr size_t kMapFrom = 1u << 20;

void scan_file(const Scanner& scanner, const FileJob& job, MatchScratch& scratch, std::string& buffer,
               FileResult& out) {
  int fd = ::open(job.path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    out.unreadable = fmt::format("{}: {}", job.path, std::strerror(errno));
    return;
  }
  // The size seen now, not at walk time: a file that changed in between is read whole.
  struct stat st;
  size_t size = ::fstat(fd, &st) == 0 ? static_cast<size_t>(st.st_size) : job.size;
  void* map = nullptr;
  std::string_view data;
  if (size >= kMapFrom) {
    map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
      out.unreadable = fmt::format("{}: {}", job.path, std::strerror(errno));
      ::close(fd);
      return;
    }
    ::madvise(map, size, MADV_SEQUENTIAL);
    data = std::string_view(static_cast<const char*>(map), size);
  } else {
    if (buffer.size() < size) buffer.resize(size);
    size_t got = 0;
    while (got < size) {
      ssize_t n = ::read(fd, &buffer[got], size - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        out.unreadable = fmt::format("{}: {}", job.path, std::strerror(errno));
        ::close(fd);
        return;
      }
      if (n == 0) break;  // shrank since fstat: scan what is there
      got += static_cast<size_t>(n);
    }
    data = std::string_view(buffer.data(), got);
    size = got;
  }
  ::close(fd);
  BlobFacts facts;
  auto found = scanner.scan(job.path, data, scratch, &facts);
  if (map) ::munmap(map, size);
  if (!found) {
    out.error = fmt::format("'{}': {}", job.path, found.error());
    return;
  }
  out.scanned = true;
  out.bytes = size;
  out.findings = std::move(*found);
  out.not_scanned = facts.not_scanned;
}

}  // namespace

Status scan_paths(const std::vector<std::string>& paths, const Engine& engine, Report& report,
                  std::vector<std::string>* unreadable, int jobs) {
  Walker w{engine, report, unreadable, {}};
  for (auto& p : paths)
    if (auto e = w.walk(p, true)) return e;

  std::vector<FileResult> results(w.files.size());
  size_t threads = jobs > 0 ? static_cast<size_t>(jobs) : std::max(1u, std::thread::hardware_concurrency());
  if (w.files.size() < kParallelFrom) threads = 1;
  threads = std::min(threads, std::max<size_t>(1, w.files.size()));
  // Each worker has its own scratch and holds one mapped file at a time.
  std::vector<MatchScratch> scratches;
  for (size_t t = 0; t < threads; ++t) {
    auto s = engine.matcher().make_scratch();
    if (!s) return Error{s.error()};
    scratches.push_back(std::move(*s));
  }
  std::atomic<size_t> next{0};
  auto work = [&](size_t t) {
    std::string buffer;
    for (size_t i = next++; i < w.files.size(); i = next++)
      scan_file(engine.scanner(), w.files[i], scratches[t], buffer, results[i]);
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();

  for (size_t i = 0; i < results.size(); ++i) {
    FileResult& r = results[i];
    if (!r.error.empty()) return Error{r.error};
    if (!r.unreadable.empty()) unreadable->push_back(r.unreadable);
    if (!r.scanned) continue;
    ++report.stats.blobs;
    report.stats.bytes += r.bytes;
    if (!r.not_scanned.empty()) {
      ++report.stats.skipped;
      report.stats.notes.push_back(fmt::format("{}: {}, not scanned", w.files[i].path, r.not_scanned));
    }
    for (auto& f : r.findings) report.findings.push_back(std::move(f));
  }
  return std::nullopt;
}

}  // namespace keyward
