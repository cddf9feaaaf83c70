#include "scan_driver.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <thread>
#include <tuple>

#include <fmt/format.h>

#include "decoders.h"
#include "progress.h"

namespace keyward {

void ByteBudget::acquire(size_t n) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return used_ == 0 || used_ + n <= limit_; });
  used_ += n;
}

void ByteBudget::release(size_t n) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    used_ -= n;
  }
  cv_.notify_all();
}

unsigned driver_threads(const BlobScanOptions& opts, size_t n) {
  unsigned all = opts.jobs > 0 ? unsigned(opts.jobs) : std::max(1u, std::thread::hardware_concurrency());
  if (n == 0) return all;
  if (n < opts.parallel_from) return 1;
  return std::max(1u, std::min<unsigned>(all, unsigned(n / 4 + 1)));
}

namespace {

using Order = std::tuple<uint32_t, uint64_t, size_t>;
Order order_of(const DriverJob& j) { return {j.pack, j.offset, j.tag}; }

// Jobs handed from the producer to the workers, a sorted chunk at a time.
class JobQueue final : public JobSink {
 public:
  JobQueue(const BlobStore& store, Progress& progress) : store_(store), progress_(progress) {}

  // Once more than `high_water` jobs wait, the producer runs `help` (which scans one batch
  // on the producer's thread) until half as many are left: a producer faster than the
  // workers (a tree walk ahead of the blob scan) then scans too, instead of queueing every
  // blob of the history, and switches between walking and scanning seldom (each switch
  // costs both their caches). Only with workers running beside the producer.
  void bound(size_t high_water, std::function<void()> help) {
    high_water_ = high_water;
    help_ = std::move(help);
  }

  void add(DriverJob job) override {
    if (failed()) return;
    pending_.push_back(std::move(job));
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

  // Stops the scan at `at`: jobs after it in reading order are not started, the ones
  // before it that workers hold still finish, so the error kept is the first in order.
  void fail(const Order& at) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!failed_ || at < fail_at_) fail_at_ = at;
      failed_ = true;
      any_failed_ = true;
    }
    cv_.notify_all();
  }
  bool failed() const { return any_failed_.load(std::memory_order_relaxed); }
  bool skip(const DriverJob& j) {
    if (!failed()) return false;
    std::lock_guard<std::mutex> lock(mu_);
    return fail_at_ < order_of(j);
  }

  // Up to `n` neighbouring jobs; false once the producer is done and nothing is left, or
  // the scan failed. `wait` false: false at once when none is queued.
  bool take(std::vector<DriverJob>& out, size_t n, bool wait = true) {
    out.clear();
    std::unique_lock<std::mutex> lock(mu_);
    if (wait) cv_.wait(lock, [&] { return !jobs_.empty() || closed_ || failed_; });
    if (failed_) return false;
    while (!jobs_.empty() && out.size() < n) {
      out.push_back(std::move(jobs_.front()));
      jobs_.pop_front();
    }
    return !out.empty();
  }

 private:
  static constexpr size_t kChunk = 1024;

  void flush() {
    if (pending_.empty()) return;
    store_.order(pending_);
    progress_.add_total(pending_.size());
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& j : pending_) jobs_.push_back(std::move(j));
    }
    pending_.clear();
    cv_.notify_all();
    if (help_ && queued() > high_water_)
      while (!failed() && queued() > high_water_ / 2) help_();
  }

  size_t queued() {
    std::lock_guard<std::mutex> lock(mu_);
    return jobs_.size();
  }

  const BlobStore& store_;
  Progress& progress_;
  std::vector<DriverJob> pending_;  // the producer's own, not yet published
  size_t high_water_ = 0;
  std::function<void()> help_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<DriverJob> jobs_;
  bool closed_ = false;
  bool failed_ = false;
  Order fail_at_{};
  std::atomic<bool> any_failed_{false};
};

struct Found {
  Order order;
  BlobFindings findings;
};

void merge(BlobScanResult& total, BlobScanResult& mine) {
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
  for (auto& u : mine.unreadable) total.unreadable.push_back(std::move(u));
}

}  // namespace

Result<BlobScanResult> drive_scan(const BlobStore& store, const Scanner& scanner, const BlobScanOptions& opts,
                                  unsigned threads, const std::function<Status(JobSink&)>& producer) {
  Progress progress(0, opts.progress, opts.progress_unit);
  JobQueue queue(store, progress);
  BlobScanResult total;
  std::vector<Found> all_found;
  std::mutex mu;
  bool have_error = false;
  Order error_at{};
  std::string error;
  ByteBudget budget(opts.memory_budget);
  const size_t batch_size = std::max<size_t>(1, store.batch());

  auto fail = [&](const Order& at, std::string msg) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!have_error || at < error_at) {
        have_error = true;
        error_at = at;
        error = std::move(msg);
      }
    }
    queue.fail(at);
  };
  constexpr Order kBeforeAll{0, 0, 0};
  // A producer's error stops the scan but does not replace a blob's error already kept.
  constexpr Order kAfterAll{UINT32_MAX, UINT64_MAX, SIZE_MAX};

  // One scanning thread's state; the producer's thread has one too, for when it helps.
  struct Worker {
    BlobScanResult mine;
    std::vector<Found> found;
    std::optional<MatchScratch> scratch;
    std::unique_ptr<BlobReader> reader;
    std::vector<DriverJob> batch;
    bool started = false;
  };
  auto start = [&](Worker& w) -> bool {
    if (w.started) return w.reader != nullptr;
    w.started = true;
    auto scratch = scanner.matcher().make_scratch();
    if (!scratch) {
      fail(kBeforeAll, scratch.error());
      return false;
    }
    w.scratch = std::move(*scratch);
    auto reader = store.reader();
    if (!reader) {
      fail(kBeforeAll, reader.error());
      return false;
    }
    w.reader = std::move(*reader);
    return true;
  };
  // Scans w.batch; false when the scan failed.
  auto run = [&](Worker& w) -> bool {
    BlobScanResult& mine = w.mine;
    for (const DriverJob& job : w.batch) {
      if (queue.skip(job)) break;
      BlobRead got = w.reader->read(job, budget);
      switch (got.kind) {
        case BlobRead::Kind::Data: break;
        case BlobRead::Kind::Oversized:
          mine.oversized.emplace_back(job.tag, got.size);
          progress.add(0);
          continue;
        case BlobRead::Kind::Corrupt:
          mine.corrupt_jobs.emplace_back(job.tag, std::move(got.why));
          [[fallthrough]];
        case BlobRead::Kind::Missing:
          ++mine.missing;
          mine.missing_jobs.push_back(job.tag);
          progress.add(0);
          continue;
        case BlobRead::Kind::Unreadable:
          mine.unreadable.emplace_back(job.tag, std::move(got.why));
          progress.add(0);
          continue;
      }
      std::string_view data = got.data;
      if (is_lfs_pointer(data)) ++mine.lfs;
      BlobFacts facts;
      std::string lazy_path;
      if (opts.path_of) lazy_path = opts.path_of(job.tag);
      std::string_view path = opts.path_of ? std::string_view(lazy_path) : std::string_view(job.path);
      auto r = scanner.scan(path, data, *w.scratch, &facts, opts.apply_path_policy, job.policy_path);
      w.reader->release(budget);
      if (!r) {
        fail(order_of(job), store.describe(job) + ": " + r.error());
        return false;
      }
      ++mine.blobs;
      mine.bytes += data.size();
      mine.largest = std::max(mine.largest, data.size());
      if (!facts.not_scanned.empty()) {
        ++mine.not_scanned;
        mine.not_scanned_why.emplace_back(job.tag, std::move(facts.not_scanned));
      }
      progress.add(data.size());
      if (!r->empty()) w.found.push_back(Found{order_of(job), BlobFindings{job.tag, std::move(*r)}});
    }
    return true;
  };
  auto finish = [&](Worker& w) {
    std::lock_guard<std::mutex> lock(mu);
    merge(total, w.mine);
    for (auto& f : w.found) all_found.push_back(std::move(f));
  };
  auto work = [&](Worker& w) {
    if (start(w))
      while (queue.take(w.batch, batch_size))
        if (!run(w)) break;
    finish(w);
  };

  // Every worker's scratch is ready before any starts: copies of an idle one.
  if (auto st = scanner.matcher().reserve_scratch(std::max(threads, 1u))) return Error{st->message};
  Worker mine;
  double helped = 0;  // seconds
  if (threads > 1)
    queue.bound(std::max<size_t>(1, opts.queued_per_worker) * threads, [&] {
      auto t0 = std::chrono::steady_clock::now();
      if (start(mine) && queue.take(mine.batch, batch_size, /*wait=*/false)) run(mine);
      helped += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    });
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back([&] {
    Worker w;
    work(w);
  });
  Status produced = producer(queue);
  queue.close();
  progress.total_known();  // every blob is queued: the percentage can only grow from here
  if (produced) fail(kAfterAll, produced->message);
  work(mine);
  for (auto& t : pool) t.join();
  if (have_error) return Error{error};
  total.producer_scan_seconds = helped;
  // Whichever worker read what, the lists come in job order (tags), so a report (an error
  // naming every object that could not be read) is the same on any number of threads.
  auto by_tag = [](const auto& a, const auto& b) { return a.first < b.first; };
  std::sort(total.missing_jobs.begin(), total.missing_jobs.end());
  std::stable_sort(total.corrupt_jobs.begin(), total.corrupt_jobs.end(), by_tag);
  std::stable_sort(total.not_scanned_why.begin(), total.not_scanned_why.end(), by_tag);
  std::stable_sort(total.oversized.begin(), total.oversized.end(), by_tag);
  std::stable_sort(total.unreadable.begin(), total.unreadable.end(), by_tag);
  std::sort(all_found.begin(), all_found.end(), [](const Found& a, const Found& b) { return a.order < b.order; });
  for (auto& f : all_found) total.found.push_back(std::move(f.findings));
  return total;
}

namespace {

class MemoryReader final : public BlobReader {
 public:
  explicit MemoryReader(const std::vector<MemoryBlob>& blobs) : blobs_(blobs) {}
  BlobRead read(const DriverJob& job, ByteBudget& budget) override {
    BlobRead out;
    out.data = blobs_[job.tag].data;
    held_ = out.data.size();
    budget.acquire(held_);
    return out;
  }
  void release(ByteBudget& budget) override {
    budget.release(held_);
    held_ = 0;
  }

 private:
  const std::vector<MemoryBlob>& blobs_;
  size_t held_ = 0;
};

}  // namespace

std::string MemoryStore::describe(const DriverJob& job) const { return fmt::format("'{}'", job.path); }

Result<std::unique_ptr<BlobReader>> MemoryStore::reader() const {
  return std::unique_ptr<BlobReader>(std::make_unique<MemoryReader>(blobs_));
}

Result<BlobScanResult> scan_memory(const std::vector<MemoryBlob>& blobs, const Scanner& scanner,
                                   const BlobScanOptions& opts) {
  MemoryStore store(blobs);
  return drive_scan(store, scanner, opts, driver_threads(opts, std::max<size_t>(blobs.size(), 1)),
                    [&](JobSink& sink) -> Status {
                      for (size_t i = 0; i < blobs.size(); ++i) {
                        DriverJob j;
                        j.tag = i;
                        j.path = blobs[i].path;
                        j.policy_path = blobs[i].policy_path;
                        sink.add(std::move(j));
                      }
                      return std::nullopt;
                    });
}

}  // namespace keyward
