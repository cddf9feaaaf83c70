#include "disk_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "checkpoint.h"
#include "mapped_file.h"
#include "name_scan.h"
#include "scan_driver.h"

namespace keyward {
namespace {

// Fewer files than this are scanned on the calling thread: a tiny scan must not pay for
// starting threads.
constexpr size_t kParallelFrom = 32;

struct FileJob {
  std::string path;         // as `find PATH` prints it: what reports show
  std::string policy_path;  // what allowlists judge (PolicyPaths)
  size_t size = 0;
  bool via_link = false;  // reached through a symbolic link: open follows it
  bool stream = false;    // a pipe named on the command line: read to its end, whatever its size
};

// Every path-dependent policy decision is taken on one normalised path: relative to the
// repository root (or, outside a repository, the current directory) when the file lies
// under it, however the scan named it (`cd sub && keyward .`, an absolute path, `./x`);
// else the path as given without a leading "./". Only the argument named on the command
// line is resolved (once); the walk below it appends names, so the rest is string work.
class PolicyPaths {
 public:
  explicit PolicyPaths(const std::string& root) {
    if (root.empty()) return;
    if (char* r = ::realpath(root.c_str(), nullptr)) {
      root_ = r;
      std::free(r);
      if (root_ == "/") root_.clear();  // every absolute path is under it: prefix "" + '/'
      have_root_ = true;
    }
  }

  // Called for each argument before walking it.
  void start(const std::string& top) {
    top_ = top;
    inside_ = false;
    if (!have_root_) return;
    std::string p = top;
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    size_t slash = p.rfind('/');
    std::string base = slash == std::string::npos ? p : p.substr(slash + 1);
    std::string canon;
    // The argument itself is not resolved when it is a link: its place is where it is named.
    if (base.empty() || base == "." || base == "..") {
      canon = resolved(p);
    } else {
      std::string parent = slash == std::string::npos ? "." : slash == 0 ? "/" : p.substr(0, slash);
      canon = resolved(parent);
      if (!canon.empty()) canon = (canon == "/" ? "" : canon) + "/" + base;
    }
    if (canon.empty()) return;
    if (canon == root_ || root_.empty()) {
      inside_ = true;
      prefix_ = root_.empty() ? canon.substr(1) : "";
    } else if (canon.size() > root_.size() && canon.compare(0, root_.size(), root_) == 0 &&
               canon[root_.size()] == '/') {
      inside_ = true;
      prefix_ = canon.substr(root_.size() + 1);
    }
  }

  // `path` is the argument given to start() or a path the walk built below it.
  std::string of(const std::string& path) const {
    if (!inside_ || path.compare(0, top_.size(), top_) != 0) {
      std::string r = path;
      while (r.rfind("./", 0) == 0) r.erase(0, 2);
      return r;
    }
    std::string rest = path.substr(top_.size());
    while (!rest.empty() && rest.front() == '/') rest.erase(0, 1);
    if (prefix_.empty()) return rest;
    return rest.empty() ? prefix_ : prefix_ + "/" + rest;
  }

 private:
  static std::string resolved(const std::string& p) {
    char* r = ::realpath(p.c_str(), nullptr);
    if (!r) return "";
    std::string s = r;
    std::free(r);
    return s;
  }
  std::string root_;  // canonical, without a trailing '/'
  bool have_root_ = false;
  std::string top_;
  bool inside_ = false;
  std::string prefix_;  // the argument's path relative to root_
};

// Walking collects the files to read; it decides allowlists and checkpoint findings,
// which need no file contents.
//
// Symbolic links (the Hugging Face cache is snapshots/<rev>/<file> -> ../../blobs/<hash>,
// and upload_folder uploads the targets):
//   - a link to a file is followed and its target scanned, reported at the link's path;
//   - a link to a directory is followed only when named on the command line (a link met
//     while walking may lead anywhere, / included); the ones not followed are noted (-v);
//   - each file is scanned once however many paths reach it (links, hard links, a path
//     named twice); every directory is walked once, so nothing loops;
//   - a dangling link or a link loop holds no content: a note, not an error (named on the
//     command line, it is an error like any missing path).
// Pipes named on the command line (/dev/stdin, <(cmd), a FIFO) are read to their end; one
// met while walking is not opened (it would wait for a writer) and is noted.
struct Walker {
  const Engine& engine;
  Report& report;
  PolicyPaths& policy_paths;
  std::vector<std::string>* unreadable;
  std::vector<std::string>* notices;
  std::vector<FileJob> files;
  std::map<std::pair<dev_t, ino_t>, std::string> seen_files;  // -> the path it was scanned at
  std::set<std::pair<dev_t, ino_t>> seen_dirs;
  std::vector<std::string> git_dirs;  // .git directories (or files) met while walking, not scanned
  std::vector<std::string> names;  // every path walked: a name is uploaded like content

  void verbose_note(const std::string& text) { report.stats.notes.push_back(text); }

  void file(const std::string& path, const struct stat& st, bool via_link, bool stream) {
    std::string r = policy_paths.of(path);
    if (engine.scanner().policy().path_allowed(r)) return;
    auto [it, first] = seen_files.emplace(std::make_pair(st.st_dev, st.st_ino), path);
    if (!first) {
      verbose_note(fmt::format("{}: the same file as {}, scanned once", path, it->second));
      return;
    }
    if (via_link)
      verbose_note(fmt::format("{}: a symbolic link to a {}", path,
                               stream ? "pipe, read to its end" : "file, its target scanned"));
    if (engine.scanner().policy().checkpoint_at(r)) report.findings.push_back(checkpoint_finding(path));
    files.push_back({path, r, static_cast<size_t>(st.st_size), via_link, stream});
  }

  Status walk(const std::string& path, bool top) {
    if (!engine.scanner().policy().path_allowed(policy_paths.of(path))) names.push_back(path);
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) {
      if (top) return Error{fmt::format("cannot scan '{}': {}", path, std::strerror(errno))};
      unreadable->push_back(fmt::format("{}: {}", path, std::strerror(errno)));
      return std::nullopt;
    }
    bool link = S_ISLNK(st.st_mode);
    if (link && ::stat(path.c_str(), &st) != 0) {
      int err = errno;
      // The target's name is never printed: it may itself be a token.
      std::string why = err == ELOOP                        ? "a symbolic link loop"
                        : (err == ENOENT || err == ENOTDIR) ? "a dangling symbolic link (its target does not exist)"
                                                            : std::string();
      if (top) return Error{fmt::format("cannot scan '{}': {}", path, why.empty() ? std::strerror(err) : why)};
      if (why.empty())
        unreadable->push_back(fmt::format("{}: {}", path, std::strerror(err)));
      else
        notices->push_back(fmt::format("{}: {}, nothing to scan", path, why));
      return std::nullopt;
    }
    if (S_ISREG(st.st_mode)) {
      file(path, st, link, false);
      return std::nullopt;
    }
    if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
      if (top) file(path, st, link, true);
      else notices->push_back(fmt::format("{}: a named pipe, not read (name it on the command line to read it)", path));
      return std::nullopt;
    }
    if (!S_ISDIR(st.st_mode)) {
      if (top) return Error{fmt::format("cannot scan '{}': not a file, a directory or a pipe", path)};
      verbose_note(fmt::format("{}: a device file, not read", path));
      return std::nullopt;
    }
    if (link && !top) {
      verbose_note(fmt::format("{}: a symbolic link to a directory, not followed (name it on the command line "
                               "to scan it)", path));
      return std::nullopt;
    }
    if (!seen_dirs.insert({st.st_dev, st.st_ino}).second) {
      verbose_note(fmt::format("{}: a directory scanned already", path));
      return std::nullopt;
    }
    if (link) verbose_note(fmt::format("{}: a symbolic link to a directory, followed", path));
    DIR* d = ::opendir(path.c_str());
    if (!d) {
      unreadable->push_back(fmt::format("{}: {}", path, std::strerror(errno)));
      return std::nullopt;
    }
    std::vector<std::string> names;
    while (auto* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n == "." || n == "..") continue;
      if (n == ".git") {
        git_dirs.push_back(path + (path.empty() || path.back() == '/' ? "" : "/") + n);
        continue;
      }
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
// are mapped, so memory stays bounded by one file per worker; mapped pages are the page
// cache's (the kernel drops them under pressure), so only buffered bytes count against the
// driver's budget.
constexpr size_t kMapFrom = 1u << 20;

class FileReader final : public BlobReader {
 public:
  explicit FileReader(const std::vector<FileJob>& files) : files_(files) {}

  BlobRead read(const DriverJob& djob, ByteBudget& budget) override {
    const FileJob& job = files_[djob.tag];
    // A file the walk saw is opened without waiting (a pipe swapped in since would block)
    // and without following links unless the walk followed one; a pipe named on the
    // command line waits for its writer.
    int flags = O_RDONLY | O_CLOEXEC;
    if (!job.stream) flags |= O_NONBLOCK | (job.via_link ? 0 : O_NOFOLLOW);
    UniqueFd fd(::open(job.path.c_str(), flags));
    if (!fd) return unreadable(job, std::strerror(errno));
    // The size seen now, not at walk time: a file that changed in between is read whole.
    struct stat st;
    bool have_stat = ::fstat(fd.get(), &st) == 0;
    if (!job.stream && have_stat && !S_ISREG(st.st_mode)) return unreadable(job, "no longer a regular file");
    size_t size = have_stat ? static_cast<size_t>(st.st_size) : job.size;
    BlobRead out;
    if (!job.stream && size >= kMapFrom) {
      auto map = MappedFile::map(fd.get(), size);
      if (!map) return unreadable(job, map.error());
      map_ = std::move(*map);
      map_.advise_sequential();
      out.data = map_.bytes();
      return out;
    }
    // A stream has no size: read until its end, growing the buffer.
    if (buffer_.size() < size) buffer_.resize(size);
    size_t got = 0;
    while (job.stream || got < size) {
      if (job.stream && buffer_.size() - got < 65536) buffer_.resize(std::max<size_t>(2 * buffer_.size(), got + 65536));
      ssize_t n = ::read(fd.get(), &buffer_[got], job.stream ? buffer_.size() - got : size - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return unreadable(job, std::strerror(errno));
      if (n == 0) break;  // end of stream, or shrank since fstat: scan what is there
      got += static_cast<size_t>(n);
    }
    held_ = got;
    budget.acquire(held_);
    out.data = std::string_view(buffer_.data(), got);
    return out;
  }

  void release(ByteBudget& budget) override {
    map_ = MappedFile();
    budget.release(held_);
    held_ = 0;
  }

 private:
  static BlobRead unreadable(const FileJob& job, std::string_view why) {
    BlobRead u;
    u.kind = BlobRead::Kind::Unreadable;
    u.why = fmt::format("{}: {}", job.path, why);
    return u;
  }
  const std::vector<FileJob>& files_;
  std::string buffer_;
  MappedFile map_;
  size_t held_ = 0;
};

// The files the walk collected, in walk order, one per job (tag = index).
class FileStore final : public BlobStore {
 public:
  explicit FileStore(const std::vector<FileJob>& files) : files_(files) {}
  size_t batch() const override { return 1; }  // files vary in size: take one at a time
  std::string describe(const DriverJob& job) const override { return fmt::format("'{}'", job.path); }
  Result<std::unique_ptr<BlobReader>> reader() const override {
    return std::unique_ptr<BlobReader>(std::make_unique<FileReader>(files_));
  }

 private:
  const std::vector<FileJob>& files_;
};

}  // namespace

Status scan_paths(const std::vector<std::string>& paths, const Engine& engine, Report& report,
                  std::vector<std::string>* unreadable, std::vector<std::string>* notices, int jobs,
                  const std::string& policy_root, bool progress) {
  PolicyPaths policy_paths(policy_root);
  Walker w{engine, report, policy_paths, unreadable, notices, {}, {}, {}, {}, {}};
  for (auto& p : paths) {
    policy_paths.start(p);
    if (auto e = w.walk(p, true)) return e;
  }
  // git's own directory holds the repository, not the files being uploaded: skipped, and
  // said, since it can hold credentials (a remote URL with a token in .git/config).
  for (auto& g : w.git_dirs)
    notices->push_back(fmt::format("{}: git's own directory, not scanned (its history: keyward --all-history; "
                                   "its files: keyward {})", g, g));

  FileStore store(w.files);
  BlobScanOptions opts;
  opts.jobs = jobs;
  opts.parallel_from = kParallelFrom;
  // A long folder sweep draws the same progress line as a history sweep, counting files.
  opts.progress = progress;
  opts.progress_unit = "files";
  auto scanned = drive_scan(store, engine.scanner(), opts, driver_threads(opts, std::max<size_t>(w.files.size(), 1)),
                            [&](JobSink& sink) -> Status {
                              for (size_t i = 0; i < w.files.size(); ++i) {
                                DriverJob j;
                                j.tag = i;
                                j.path = w.files[i].path;
                                j.policy_path = w.files[i].policy_path;
                                sink.add(std::move(j));
                              }
                              return std::nullopt;
                            });
  if (!scanned) return Error{scanned.error()};
  // Results keep the walk's order, whichever worker read what (drive_scan sorts them).
  for (auto& [i, why] : scanned->unreadable) unreadable->push_back(std::move(why));
  report.stats.blobs += scanned->blobs;
  report.stats.bytes += scanned->bytes;
  for (auto& [i, why] : scanned->not_scanned_why) {
    ++report.stats.skipped;
    report.stats.notes.push_back(fmt::format("{}: {}, not scanned", w.files[i].path, why));
  }
  for (auto& bf : scanned->found)
    for (auto& f : bf.findings) report.findings.push_back(std::move(f));
  return scan_names(engine.scanner(), w.names, kFileName, report);
}

}  // namespace keyward
