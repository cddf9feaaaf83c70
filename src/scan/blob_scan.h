// Git blobs for the scan driver (scan_driver.h): the workers share the repository's object
// database (so they see exactly its object directories, alternates from the environment
// included), pull small batches from a list sorted into pack order, and read blobs stored
// whole in a pack straight from the mapped pack.
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
#include "scan_driver.h"
#include "scanner.h"

namespace keyward {

struct BlobJob {
  git_oid id;
  std::string_view path;  // the path it is scanned under ("" for a blob without one)
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
