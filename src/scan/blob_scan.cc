#include "blob_scan.h"

#include <git2/sys/repository.h>  // git_repository_set_odb
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdlib>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>

#include <fmt/format.h>

#include "decoders.h"
#include "git_handles.h"
#include "pack_order.h"
#include "progress.h"

namespace keyward {
namespace {

// Bytes of blob content held by all workers together. A blob larger than the budget
// waits until it is alone, so peak memory is max(budget, largest blob) plus scratch.
class ByteBudget {
 public:
  explicit ByteBudget(size_t limit) : limit_(limit) {}
  void acquire(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return used_ == 0 || used_ + n <= limit_; });
    used_ += n;
  }
  void release(size_t n) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      used_ -= n;
    }
    cv_.notify_all();
  }

 private:
  size_t limit_, used_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
};

// Reads blobs stored whole in a pack straight from the mapped pack, with one inflate
// stream and one buffer reused for every blob (libgit2 sets up zlib, allocates, caches and
// verifies a checksum per object); deltas and loose objects still go through libgit2.
class WholeBlobReader {
 public:
  WholeBlobReader() { ok_ = inflateInit(&zs_) == Z_OK; }
  ~WholeBlobReader() {
    if (ok_) inflateEnd(&zs_);
  }
  WholeBlobReader(const WholeBlobReader&) = delete;
  WholeBlobReader& operator=(const WholeBlobReader&) = delete;

  // The blob's bytes, valid until the next call; nullopt: read it through libgit2.
  std::optional<std::string_view> read(const PackIndexes::Whole& w) {
    if (!ok_ || w.type != GIT_OBJECT_BLOB || w.zavail < 2 || w.size > UINT_MAX) return std::nullopt;
    const unsigned char* z = w.zdata;
    // The zlib stream with its adler32 check: the object hash is not verified (as git does
    // not on reads), so this checksum is what tells a flipped byte from content. A stored
    // (uncompressed) block has no other check at all.
    size_t size = static_cast<size_t>(w.size);
    char* dst;
    if (size > kKeep) {
      big_.reset(new char[size]);  // a huge blob is not kept for the rest of the scan
      dst = big_.get();
    } else {
      if (buf_.size() < size) buf_.resize(std::max(size, buf_.size() * 2));
      dst = buf_.data();
    }
    inflateReset(&zs_);
    zs_.next_in = const_cast<Bytef*>(z);
    zs_.avail_in = static_cast<uInt>(std::min<size_t>(w.zavail, UINT_MAX));
    zs_.next_out = reinterpret_cast<Bytef*>(dst);
    zs_.avail_out = static_cast<uInt>(size);
    int rc = ::inflate(&zs_, Z_FINISH);
    if (rc != Z_STREAM_END || zs_.total_out != size) return std::nullopt;
    return std::string_view(dst, size);
  }
  void release() { big_.reset(); }

 private:
  static constexpr size_t kKeep = size_t(8) << 20;
  z_stream zs_{};
  bool ok_ = false;
  std::vector<char> buf_;
  std::unique_ptr<char[]> big_;
};

struct Job {
  git_oid id;
  std::string path;
  size_t tag;
  PackPosition pos;
};

// Jobs handed from the producer to the workers, a sorted chunk at a time.
class JobQueue final : public BlobFeed {
 public:
  JobQueue(PackIndexes packs, Progress& progress) : packs_(std::move(packs)), progress_(progress) {}

  void add(const git_oid& id, std::string_view path, size_t tag) override {
    if (failed_.load(std::memory_order_relaxed)) return;
    pending_.push_back(Job{id, std::string(path), tag, {}});
    if (pending_.size() >= kChunk) flush();
  }

  void close() {
    flush();
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }

  void fail() {
    failed_ = true;
    cv_.notify_all();
  }
  bool failed() const { return failed_.load(std::memory_order_relaxed); }

  // Up to `n` neighbouring jobs (in pack order they share delta bases); false once the
  // producer is done and nothing is left, or the scan failed.
  bool take(std::vector<Job>& out, size_t n) {
    out.clear();
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !jobs_.empty() || closed_ || failed(); });
    if (failed()) return false;
    while (!jobs_.empty() && out.size() < n) {
      out.push_back(std::move(jobs_.front()));
      jobs_.pop_front();
    }
    return !out.empty();
  }

  const PackIndexes& packs() const { return packs_; }

 private:
  static constexpr size_t kChunk = 1024;

  void flush() {
    if (pending_.empty()) return;
    if (packs_.packs()) {
      for (auto& j : pending_) j.pos = packs_.find(j.id);
      std::sort(pending_.begin(), pending_.end(), [](const Job& a, const Job& b) {
        return std::tie(a.pos.pack, a.pos.offset, a.tag) < std::tie(b.pos.pack, b.pos.offset, b.tag);
      });
    }
    progress_.add_total(pending_.size());
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& j : pending_) jobs_.push_back(std::move(j));
    }
    pending_.clear();
    cv_.notify_all();
  }

  PackIndexes packs_;
  Progress& progress_;
  std::vector<Job> pending_;  // the producer's own, not yet published
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool closed_ = false;
  std::atomic<bool> failed_{false};
};

struct Found {
  PackPosition pos;
  BlobFindings findings;
};

Result<BlobScanResult> run_scan(git_repository* repo, const Scanner& scanner, const BlobScanOptions& opts,
                                unsigned threads, const std::function<Status(BlobFeed&)>& producer) {
  PackIndexes packs;
  if (opts.pack_order)
    packs = opts.packs ? opts.packs->share() : PackIndexes::open(git_repository_commondir(repo) + std::string("objects"));
  Progress progress(0, opts.progress);
  JobQueue queue(std::move(packs), progress);

  BlobScanResult total;
  std::vector<Found> all_found;
  std::mutex mu;
  std::string first_error;
  ByteBudget budget(opts.memory_budget);
  constexpr size_t kBatch = 16;  // neighbours in pack order share delta bases: keep them together

  auto fail = [&](std::string msg) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (first_error.empty()) first_error = std::move(msg);
    }
    queue.fail();
  };

  // One object database for every worker: libgit2's git_odb is thread-safe, and a handle
  // reopened from the path would miss what the caller's has (GIT_OBJECT_DIRECTORY,
  // GIT_ALTERNATE_OBJECT_DIRECTORIES).
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, repo) != 0) return Error{"cannot open the object database: " + git_error_text()};
  OdbPtr shared_odb(raw_odb);

  auto worker = [&]() {
    BlobScanResult mine;
    std::vector<Found> found;
    git_odb* odb = shared_odb.get();
    auto scratch = scanner.matcher().make_scratch();
    if (!scratch) return fail(scratch.error());

    std::string lazy_path;
    auto scan_one = [&](const Job& job, std::string_view data) -> Status {
      if (is_lfs_pointer(data)) ++mine.lfs;
      BlobFacts facts;
      std::string_view path = job.path;
      if (opts.path_of) path = lazy_path = opts.path_of(job.tag);
      auto r = scanner.scan(path, data, *scratch, &facts, opts.apply_path_policy);
      if (!r) return Error{fmt::format("blob {} ({}): {}", oid_hex(job.id), path, r.error())};
      ++mine.blobs;
      mine.bytes += data.size();
      mine.largest = std::max(mine.largest, data.size());
      if (!facts.not_scanned.empty()) {
        ++mine.not_scanned;
        mine.not_scanned_why.emplace_back(job.tag, std::move(facts.not_scanned));
      }
      progress.add(data.size());
      if (!r->empty()) found.push_back(Found{job.pos, BlobFindings{job.tag, std::move(*r)}});
      return std::nullopt;
    };

    WholeBlobReader whole_reader;
    std::vector<Job> batch;
    while (queue.take(batch, kBatch)) {
      for (const Job& job : batch) {
        if (queue.failed()) break;
        PackIndexes::Whole whole;
        if (queue.packs().whole(job.pos, &whole) && whole.type == GIT_OBJECT_BLOB) {
          size_t size = static_cast<size_t>(whole.size);
          if (size > opts.max_blob_bytes) {
            mine.oversized.emplace_back(job.tag, size);
            progress.add(0);
            continue;
          }
          budget.acquire(size);
          if (auto data = whole_reader.read(whole)) {
            auto st = scan_one(job, *data);
            whole_reader.release();
            budget.release(size);
            if (st) return fail(st->message);
            continue;
          }
          budget.release(size);
        }
        size_t size = 0;
        git_object_t type;
        // Not read: absent, or present but unreadable (libgit2's message says why, and is
        // read on this thread, where it was set).
        auto unread = [&](int rc) {
          ++mine.missing;
          mine.missing_jobs.push_back(job.tag);
          if (rc != GIT_ENOTFOUND) mine.corrupt_jobs.emplace_back(job.tag, git_error_text());
          progress.add(0);
        };
        int rc = git_odb_read_header(&size, &type, odb, &job.id);
        if (rc != 0) {
          // A repack may have replaced the pack under us: look again before calling it missing.
          git_odb_refresh(odb);
          rc = git_odb_read_header(&size, &type, odb, &job.id);
        }
        if (rc != 0) {
          unread(rc);
          continue;
        }
        if (size > opts.max_blob_bytes) {
          mine.oversized.emplace_back(job.tag, size);
          progress.add(0);
          continue;
        }
        budget.acquire(size);
        git_odb_object* raw_obj = nullptr;
        rc = git_odb_read(&raw_obj, odb, &job.id);
        if (rc != 0) {
          git_odb_refresh(odb);
          rc = git_odb_read(&raw_obj, odb, &job.id);
        }
        if (rc != 0) {
          budget.release(size);
          unread(rc);
          continue;
        }
        OdbObjectPtr obj(raw_obj);
        std::string_view data(static_cast<const char*>(git_odb_object_data(obj.get())), git_odb_object_size(obj.get()));
        auto st = scan_one(job, data);
        obj.reset();
        budget.release(size);
        if (st) return fail(st->message);
      }
    }
    std::lock_guard<std::mutex> lock(mu);
    total.blobs += mine.blobs;
    total.bytes += mine.bytes;
    total.missing += mine.missing;
    total.lfs += mine.lfs;
    total.not_scanned += mine.not_scanned;
    total.largest = std::max(total.largest, mine.largest);
    for (auto& w : mine.not_scanned_why) total.not_scanned_why.push_back(std::move(w));
    total.missing_jobs.insert(total.missing_jobs.end(), mine.missing_jobs.begin(), mine.missing_jobs.end());
    for (auto& c : mine.corrupt_jobs) total.corrupt_jobs.push_back(std::move(c));
    total.oversized.insert(total.oversized.end(), mine.oversized.begin(), mine.oversized.end());
    for (auto& f : found) all_found.push_back(std::move(f));
  };

  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  Status produced = producer(queue);
  queue.close();
  if (produced) fail(produced->message);
  worker();
  for (auto& t : pool) t.join();
  if (!first_error.empty()) return Error{first_error};
  std::sort(all_found.begin(), all_found.end(), [](const Found& a, const Found& b) {
    return std::tie(a.pos.pack, a.pos.offset, a.findings.job) < std::tie(b.pos.pack, b.pos.offset, b.findings.job);
  });
  for (auto& f : all_found) total.found.push_back(std::move(f.findings));
  return total;
}

unsigned thread_count(const BlobScanOptions& opts) {
  return opts.jobs > 0 ? unsigned(opts.jobs) : std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

Result<BlobScanResult> scan_blobs(git_repository* repo, const std::vector<BlobJob>& jobs, const Scanner& scanner,
                                  const BlobScanOptions& opts) {
  unsigned threads = std::max(1u, std::min<unsigned>(thread_count(opts), unsigned(jobs.size() / 4 + 1)));
  return run_scan(repo, scanner, opts, threads, [&](BlobFeed& feed) -> Status {
    for (size_t i = 0; i < jobs.size(); ++i) feed.add(jobs[i].id, jobs[i].path, i);
    return std::nullopt;
  });
}

Result<BlobScanResult> scan_blob_stream(git_repository* repo, const Scanner& scanner, const BlobScanOptions& opts,
                                        const std::function<Status(BlobFeed&)>& producer) {
  return run_scan(repo, scanner, opts, thread_count(opts), producer);
}

}  // namespace keyward
