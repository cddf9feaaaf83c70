// Scanning many blobs in parallel: each worker has its own repository handle and its own
// Hyperscan scratch, pulls small batches from a list sorted into pack order, and holds at
// most one blob at a time; a shared byte budget keeps several huge blobs from being held
// at once.
#pragma once
#include <git2.h>

#include <string>
#include <string_view>
#include <vector>

#include "finding.h"
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
  size_t missing = 0;      // absent from the object database (partial clone), never fetched
  size_t lfs = 0;          // Git LFS pointers (the content lives on the LFS server)
  size_t not_scanned = 0;  // the decoders declined (binary, too large...)
  size_t largest = 0;      // bytes of the largest blob read
};

struct BlobScanOptions {
  int jobs = 0;                          // 0 = every core
  size_t memory_budget = size_t(256) << 20;  // blob bytes held at once (one larger blob may exceed it, alone)
  bool progress = false;
  bool pack_order = true;
};

// Reorders `jobs` into pack order (when opts.pack_order) before scanning; the indexes in
// the result refer to the reordered vector.
Result<BlobScanResult> scan_blobs(git_repository* repo, std::vector<BlobJob>& jobs, const Scanner& scanner,
                                  const BlobScanOptions& opts);

}  // namespace keyward
