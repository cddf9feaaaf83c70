// Owners for file descriptors and memory maps: every open() and mmap() in keyward goes
// through these, so no error path leaks a descriptor or a mapping.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "result.h"

namespace keyward {

// A file descriptor, closed when the owner goes.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1);
  // Closes now and says whether close() succeeded (a write's last error can surface here).
  bool close();

  // open(2) with O_CLOEXEC added; an invalid owner (errno set) when it fails.
  static UniqueFd open(const std::string& path, int flags);

 private:
  int fd_ = -1;
};

// A read-only private map of a file's first `size` bytes, unmapped when the owner goes.
class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile() { reset(); }
  MappedFile(MappedFile&& o) noexcept : data_(o.data_), size_(o.size_) {
    o.data_ = nullptr;
    o.size_ = 0;
  }
  MappedFile& operator=(MappedFile&& o) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // Maps `size` bytes of `fd` (the descriptor may be closed afterwards). `populate` reads
  // the pages in at once (MAP_POPULATE). A zero size maps nothing and succeeds. The error
  // is strerror's text.
  static Result<MappedFile> map(int fd, size_t size, bool populate = false);
  // A whole regular, non-empty file: no zero-fill, no copy (cache files are MBs). False
  // when it cannot be opened, is empty or not a regular file.
  bool open(const std::string& path);

  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }
  const unsigned char* data() const { return static_cast<const unsigned char*>(data_); }
  size_t size() const { return size_; }
  explicit operator bool() const { return data_ != nullptr; }
  void advise_sequential() const;
  void reset();

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace keyward
