// Scanning many blobs in parallel: the workers share the repository's object database (so
// they see exactly its object directories, alternates from the environment included) and
// each has its own Hyperscan scratch, pulls small batches from a list sorted into pack order, and holds at
// most one blob at a time; a shared byte budget keeps several huge blobs from being held
// at once.
#pragma once
#include <git2.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "finding.h"
#include "pack_order.h"
#include "result.h"
#include "scanner.h"

namespace keyward {

struct BlobJob {
  git_oid id;
  std::string_view path;  // the path it is scanned under ("" for a blob without one)
};

struct BlobFindings {
  size_t job = 0;  // index into the jobs given
  std::vector<Finding> findings;
};

struct BlobScanResult {
  std::vector<BlobFindings> found;  // only blobs with findings, in job order
  size_t blobs = 0, bytes = 0;
  size_t missing = 0;      // not read: absent (partial clone, never fetched) or corrupt
  size_t lfs = 0;          // Git LFS pointers (the content lives on the LFS server)
  size_t not_scanned = 0;  // the decoders declined (binary, too large...)
  size_t largest = 0;      // bytes of the largest blob read
  // Per-blob details (jobs as in BlobFindings::job, in no particular order):
  std::vector<std::pair<size_t, std::string>> not_scanned_why;  // the decoders' reason
  std::vector<size_t> missing_jobs;  // every blob not read (absent or corrupt)
  std::vector<std::pair<size_t, std::string>> corrupt_jobs;  // those present but unreadable, and why
  std::vector<std::pair<size_t, size_t>> oversized;  // (job, bytes) over opts.max_blob_bytes, not read
};

struct BlobScanOptions {
  int jobs = 0;                          // 0 = every core
  size_t memory_budget = size_t(256) << 20;  // blob bytes held at once (one larger blob may exceed it, alone)
  bool progress = false;
  bool pack_order = true;
  size_t max_blob_bytes = SIZE_MAX;  // larger blobs are listed in `oversized`, never read
  bool apply_path_policy = true;     // false: path allowlists are the caller's (Scanner::dropped_at)
  // When set, the path a job is scanned under is path_of(tag), asked right before the scan
  // (from any worker thread), instead of a copy kept with the queued job.
  std::function<std::string(size_t tag)> path_of;
  // The packs' mappings to read from (shared with the caller's own reads), instead of
  // mapping them again.
  const PackIndexes* packs = nullptr;
};

// Reads the blobs in pack order (when opts.pack_order); BlobFindings::job indexes `jobs`,
// and `found` lists the blobs in pack order.
Result<BlobScanResult> scan_blobs(git_repository* repo, const std::vector<BlobJob>& jobs, const Scanner& scanner,
                                  const BlobScanOptions& opts);

// Where a producer hands blobs over while it is still discovering them (a history walk):
// the workers scan each chunk, sorted into pack order, while the producer goes on.
class BlobFeed {
 public:
  virtual ~BlobFeed() = default;
  // `tag` comes back as BlobFindings::job; `path` is copied.
  virtual void add(const git_oid& id, std::string_view path, size_t tag) = 0;
};

// Runs `producer` on the calling thread while opts.jobs - 1 workers scan what it has fed so
// far; once it returns, the calling thread scans too. `found` is sorted by the blobs' pack
// position, then tag: the order scan_blobs gives for jobs added in tag order. A producer
// error stops the scan and is returned.
Result<BlobScanResult> scan_blob_stream(git_repository* repo, const Scanner& scanner, const BlobScanOptions& opts,
                                        const std::function<Status(BlobFeed&)>& producer);

}  // namespace keyward
