// Files in keyward's cache directory: read whole, written atomically (temporary file in the
// same directory, then rename), so no reader and no interrupted writer sees a partial file.
#pragma once
#include <string>

namespace keyward {

bool read_whole_file(const std::string& path, std::string& out);
bool make_dirs(const std::string& dir, unsigned mode = 0700);
bool write_file_atomically(const std::string& path, const std::string& header, const char* data, size_t n);
// Removes files in dir named prefix*suffix other than keep (caches of older rule sets), and
// temporary files an interrupted writer left behind.
void remove_stale(const std::string& dir, const std::string& prefix, const std::string& suffix,
                  const std::string& keep);

}  // namespace keyward
