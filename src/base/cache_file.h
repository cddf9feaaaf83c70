// Files in keyward's cache directory: read whole, written atomically (temporary file in the
// same directory, then rename), so no reader and no interrupted writer sees a partial file.
// Every cache file ends in a checksum of all that precedes it: a cache is trusted on every
// run, so one flipped byte (a bad disk, a stray write) must cost a rebuild, never a rule.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mapped_file.h"  // MappedFile: cache files are read through a map

namespace keyward {

bool make_dirs(const std::string& dir, unsigned mode = 0700);
// Writes header, data and the checksum trailer.
bool write_file_atomically(const std::string& path, const std::string& header, const char* data, size_t n);
// The checksum the trailer holds (zlib's crc32: it detects every burst error up to 32 bits,
// so any single flipped byte, and it is fast enough for the warm path's megabytes).
uint32_t cache_checksum(std::string_view bytes);
// A cache file's content (header and data) without the trailer; nullopt when the trailer
// is missing or does not match the content.
std::optional<std::string_view> checked_content(std::string_view file);
// Removes files in dir named prefix*suffix other than keep (caches of older rule sets), and
// temporary files an interrupted writer left behind.
void remove_stale(const std::string& dir, const std::string& prefix, const std::string& suffix,
                  const std::string& keep);

}  // namespace keyward
