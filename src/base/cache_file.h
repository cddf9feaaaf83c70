// Files in keyward's cache directory: read whole, written atomically (temporary file in the
// same directory, then rename), so no reader and no interrupted writer sees a partial file.
#pragma once
#include <string>
#include <string_view>

namespace keyward {

// A read-only memory map of a whole file: no zero-fill, no copy (cache files are MBs).
class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  bool open(const std::string& path);
  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};
bool make_dirs(const std::string& dir, unsigned mode = 0700);
bool write_file_atomically(const std::string& path, const std::string& header, const char* data, size_t n);
// Removes files in dir named prefix*suffix other than keep (caches of older rule sets), and
// temporary files an interrupted writer left behind.
void remove_stale(const std::string& dir, const std::string& prefix, const std::string& suffix,
                  const std::string& keep);

}  // namespace keyward
