// Files in keyward's cache directory: read whole, written atomically (temporary file in the
// same directory, then rename), so no reader and no interrupted writer sees a partial file.
// Every cache file ends in a checksum of all that precedes it (or of its ends, where the
// reader checks the middle otherwise: cache_checksum_ends): a cache is trusted on every
// run, so one flipped byte (a bad disk, a stray write) must cost a rebuild, never a rule.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mapped_file.h"  // MappedFile: cache files are read through a map

namespace keyward {

bool make_dirs(const std::string& dir, unsigned mode = 0700);

// Where cache files live: the configured directory first, then fallbacks that are used
// when it cannot be written (each must be the user's own: owned by them, not writable by
// others, since a cache is trusted), then read-only directories (one filled at install).
class CacheDir {
 public:
  CacheDir() = default;  // no caching at all
  CacheDir(std::vector<std::string> dirs, std::vector<std::string> read_only);
  bool enabled() const { return !dirs_.empty(); }
  const std::string& primary() const { return dirs_.front(); }
  // Maps name from the first directory that has it; its path in *path.
  bool open(const std::string& name, MappedFile& file, std::string* path = nullptr) const;
  // Writes name into the first directory (from the one that last worked) that takes it;
  // the path written, or "" when no directory did.
  // ends: see cache_checksum_ends (0: the trailer covers everything).
  std::string write(const std::string& name, const std::string& header, const char* data, size_t n,
                    size_t ends = 0);
  // remove_stale() in the directory last written.
  void remove_stale(const std::string& prefix, const std::string& suffix, const std::string& keep,
                    double max_age_seconds = 24 * 3600) const;
  // One line when a write fell back to another directory or failed everywhere, handed out
  // once: a run says so once, however many cache files it writes.
  std::string take_warning();

 private:
  bool usable(size_t i) const;
  std::vector<std::string> dirs_, read_only_;
  size_t writer_ = 0;
  std::string warning_;
  bool warned_ = false;
};
// Writes header, data and the checksum trailer.
bool write_file_atomically(const std::string& path, const std::string& header, const char* data, size_t n,
                           size_t ends = 0);
// The checksum the trailer holds: 64 bits that any change confined to one 8-byte word
// (so any single flipped byte) always changes, computed at memory speed (every warm start
// checks the 3.5 MB database's).
uint64_t cache_checksum(std::string_view bytes);
// The same over the first and last `ends` bytes and the length only (all of it when that is
// everything), for a file whose middle another check covers as strongly: a Hyperscan
// database, whose bytecode Hyperscan checks with its own crc32c before any scan (a single
// flipped byte always changes a crc32c). Checking it twice cost a warm start 1.4 M
// instructions for nothing.
uint64_t cache_checksum_ends(std::string_view bytes, size_t ends);
// A cache file's content (header and data) without the trailer; nullopt when the trailer
// is missing or does not match the content (checked with cache_checksum_ends when ends
// is not 0: the file must have been written with the same ends).
std::optional<std::string_view> checked_content(std::string_view file, size_t ends = 0);
// Removes files in dir named prefix*suffix other than keep (caches of older rule sets), and
// temporary files an interrupted writer left behind.
void remove_stale(const std::string& dir, const std::string& prefix, const std::string& suffix,
                  const std::string& keep, double max_age_seconds = 24 * 3600);

}  // namespace keyward
