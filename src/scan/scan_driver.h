// The one scan driver. Every source (staged, disk, history, range and pre-push,
// pre-receive) hands it blobs with their places; it owns the worker pool, the memory
// budget, progress, the stats and the errors, and hands back the findings of each blob.
// Where the bytes come from (the object database, files on disk) is a BlobStore's
// business: the driver only asks a store's reader for one blob at a time.
#pragma once
#include <git2.h>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "finding.h"
#include "pack_order.h"
#include "result.h"
#include "scanner.h"

namespace keyward {

// The findings of one blob (BlobFindings, finding.h) are what the driver hands back to
// every source.

// What one run of the driver saw. Per-blob details name blobs by tag, in no particular
// order; `found` lists only blobs with findings, in the store's reading order, then tag.
struct BlobScanResult {
  std::vector<BlobFindings> found;
  size_t blobs = 0, bytes = 0;
  size_t missing = 0;      // not read: absent (partial clone, never fetched) or corrupt
  size_t lfs = 0;          // Git LFS pointers (the content lives on the LFS server)
  size_t not_scanned = 0;  // the decoders declined (binary, too large...)
  size_t largest = 0;      // bytes of the largest blob read
  std::vector<std::pair<size_t, std::string>> not_scanned_why;  // the decoders' reason
  std::vector<size_t> missing_jobs;  // every blob not read (absent or corrupt)
  std::vector<std::pair<size_t, std::string>> corrupt_jobs;  // those present but unreadable, and why
  std::vector<std::pair<size_t, size_t>> oversized;  // (tag, bytes) over opts.max_blob_bytes, not read
  std::vector<std::pair<size_t, std::string>> unreadable;  // files that could not be read: "path: reason"
  // Seconds the producer's thread spent scanning while it was still producing (a walk far
  // ahead of the workers; see drive_scan).
  double producer_scan_seconds = 0;
};

struct BlobScanOptions {
  int jobs = 0;                              // 0 = every core
  size_t memory_budget = size_t(256) << 20;  // blob bytes held at once (one larger blob may exceed it, alone)
  bool progress = false;
  const char* progress_unit = "blobs";  // what the progress line counts (folder sweeps: files)
  bool pack_order = true;            // git stores: read in pack order
  size_t max_blob_bytes = SIZE_MAX;  // larger blobs are listed in `oversized`, never read
  bool apply_path_policy = true;     // false: path allowlists are the caller's (Scanner::dropped_at)
  // Fewer blobs than this are scanned on the calling thread alone: a small commit never
  // pays for starting threads.
  size_t parallel_from = 0;
  // Jobs queued per worker before the producer (a walk far ahead of the scan) scans a batch
  // itself: about 7 MB of queue each; a history of fewer blobs never waits on it.
  size_t queued_per_worker = 65536;
  bool name_by_path = false;  // git stores: an error names the blob by its path alone ('a/b.py')
  // When set, the path a job is scanned under is path_of(tag), asked right before the scan
  // (from any worker thread), instead of a copy kept with the queued job.
  std::function<std::string(size_t tag)> path_of;
  // git stores: the packs' mappings to read from (shared with the caller's own reads),
  // instead of mapping them again.
  const PackIndexes* packs = nullptr;
};

// One blob waiting for a worker.
struct DriverJob {
  size_t tag = 0;
  std::string path;         // what findings show and decoders go by
  std::string policy_path;  // what path allowlists judge ("" = path)
  git_oid id{};             // git stores: the blob's id
  uint32_t pack = UINT32_MAX;  // reading order (pack, offset), set by BlobStore::order
  uint64_t offset = 0;
};

// Bytes of blob content held by all workers together. A blob larger than the budget
// waits until it is alone, so peak memory is max(budget, largest blob) plus scratch.
class ByteBudget {
 public:
  explicit ByteBudget(size_t limit) : limit_(limit) {}
  void acquire(size_t n);
  void release(size_t n);

 private:
  size_t limit_, used_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
};

// What a reader made of one job.
struct BlobRead {
  enum class Kind { Data, Missing, Corrupt, Oversized, Unreadable };
  Kind kind = Kind::Data;
  std::string_view data;  // Kind::Data: valid until the reader's release()
  size_t size = 0;        // Kind::Oversized: the blob's size
  std::string why;        // Corrupt: libgit2's words; Unreadable: "path: reason"
};

// One per worker thread; reads one blob at a time.
class BlobReader {
 public:
  virtual ~BlobReader() = default;
  // Reads `job`; the bytes it holds are counted against `budget` until release().
  virtual BlobRead read(const DriverJob& job, ByteBudget& budget) = 0;
  virtual void release(ByteBudget& budget) = 0;
};

// Where blobs are read from: the object database, the file system.
class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Sorts a chunk of jobs into the order they are best read in (and sets their
  // pack/offset); the default keeps the order given.
  virtual void order(std::vector<DriverJob>& chunk) const { (void)chunk; }
  // Jobs a worker takes at once (neighbours in pack order share delta bases).
  virtual size_t batch() const { return 16; }
  // How an error names the blob ("'a/b.py'", "blob 3f2a... (a/b.py)").
  virtual std::string describe(const DriverJob& job) const = 0;
  virtual Result<std::unique_ptr<BlobReader>> reader() const = 0;
};

// Where a producer hands over jobs while it is still discovering them.
class JobSink {
 public:
  virtual ~JobSink() = default;
  virtual void add(DriverJob job) = 0;
};

// Bytes the caller holds already (standard input read to its end, commit and tag
// messages it composed): scanned by the same driver as blobs and files, so they get the
// same budget, stats, path policy and errors.
struct MemoryBlob {
  std::string path;         // what findings show
  std::string data;
  std::string policy_path;  // what path rules judge ("" = path)
};
class MemoryStore final : public BlobStore {
 public:
  explicit MemoryStore(const std::vector<MemoryBlob>& blobs) : blobs_(blobs) {}
  size_t batch() const override { return 64; }
  std::string describe(const DriverJob& job) const override;
  Result<std::unique_ptr<BlobReader>> reader() const override;

 private:
  const std::vector<MemoryBlob>& blobs_;
};
// Scans every one of `blobs` (job tag = index) through the driver.
Result<BlobScanResult> scan_memory(const std::vector<MemoryBlob>& blobs, const Scanner& scanner,
                                   const BlobScanOptions& opts);

// Runs `producer` on the calling thread while `threads` - 1 workers scan what it has
// added so far; once it returns, the calling thread scans too. The first failure in
// reading order (a scan error, the producer's error) stops the scan and is returned.
// Findings come in reading order, the lists of blobs not read or not scanned in job
// order (by tag): the same on any number of threads.
Result<BlobScanResult> drive_scan(const BlobStore& store, const Scanner& scanner, const BlobScanOptions& opts,
                                  unsigned threads, const std::function<Status(JobSink&)>& producer);

// Threads for `n` blobs known up front (0: a stream of unknown length).
unsigned driver_threads(const BlobScanOptions& opts, size_t n);

}  // namespace keyward
