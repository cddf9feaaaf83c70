#include "blob_scan.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

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

void sort_into_pack_order(git_repository* repo, std::vector<BlobJob>& jobs) {
  PackIndexes packs = PackIndexes::open(git_repository_commondir(repo) + std::string("objects"));
  if (packs.packs() == 0) return;
  std::vector<std::pair<PackPosition, size_t>> keyed(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) keyed[i] = {packs.find(jobs[i].id), i};
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.pack, a.first.offset, a.second) < std::tie(b.first.pack, b.first.offset, b.second);
  });
  std::vector<BlobJob> out;
  out.reserve(jobs.size());
  for (auto& k : keyed) out.push_back(jobs[k.second]);
  jobs = std::move(out);
}

}  // namespace

Result<BlobScanResult> scan_blobs(git_repository* repo, std::vector<BlobJob>& jobs, const Scanner& scanner,
                                  const BlobScanOptions& opts) {
  if (opts.pack_order) sort_into_pack_order(repo, jobs);
  unsigned threads = opts.jobs > 0 ? unsigned(opts.jobs) : std::max(1u, std::thread::hardware_concurrency());
  threads = std::max(1u, std::min<unsigned>(threads, unsigned(jobs.size() / 4 + 1)));
  const std::string gitdir = git_repository_path(repo);

  BlobScanResult total;
  std::mutex mu;
  std::string first_error;
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  ByteBudget budget(opts.memory_budget);
  Progress progress(jobs.size(), opts.progress);
  constexpr size_t kBatch = 16;  // neighbours in pack order share delta bases: keep them together

  auto worker = [&]() {
    BlobScanResult mine;
    std::vector<BlobFindings> found;
    auto fail = [&](std::string msg) {
      std::lock_guard<std::mutex> lock(mu);
      if (first_error.empty()) first_error = std::move(msg);
      failed = true;
    };
    git_repository* raw_repo = nullptr;
    if (git_repository_open_bare(&raw_repo, gitdir.c_str()) != 0)
      return fail(fmt::format("cannot open '{}': {}", gitdir, git_error_text()));
    RepoPtr own(raw_repo);
    git_odb* raw_odb = nullptr;
    if (git_repository_odb(&raw_odb, own.get()) != 0)
      return fail("cannot open the object database: " + git_error_text());
    OdbPtr odb(raw_odb);
    auto scratch = scanner.matcher().make_scratch();
    if (!scratch) return fail(scratch.error());

    while (!failed) {
      size_t begin = next.fetch_add(kBatch);
      if (begin >= jobs.size()) break;
      size_t end = std::min(jobs.size(), begin + kBatch);
      for (size_t i = begin; i < end && !failed; ++i) {
        const BlobJob& job = jobs[i];
        size_t size = 0;
        git_object_t type;
        int rc = git_odb_read_header(&size, &type, odb.get(), &job.id);
        if (rc != 0) {
          // A repack may have replaced the pack under us: look again before calling it missing.
          git_odb_refresh(odb.get());
          rc = git_odb_read_header(&size, &type, odb.get(), &job.id);
        }
        if (rc != 0) {
          ++mine.missing;
          progress.add(0);
          continue;
        }
        budget.acquire(size);
        git_odb_object* raw_obj = nullptr;
        rc = git_odb_read(&raw_obj, odb.get(), &job.id);
        if (rc != 0) {
          git_odb_refresh(odb.get());
          rc = git_odb_read(&raw_obj, odb.get(), &job.id);
        }
        if (rc != 0) {
          budget.release(size);
          ++mine.missing;
          progress.add(0);
          continue;
        }
        OdbObjectPtr obj(raw_obj);
        std::string_view data(static_cast<const char*>(git_odb_object_data(obj.get())), git_odb_object_size(obj.get()));
        if (is_lfs_pointer(data)) ++mine.lfs;
        BlobFacts facts;
        auto r = scanner.scan(job.path, data, *scratch, &facts);
        obj.reset();
        budget.release(size);
        if (!r) return fail(fmt::format("blob {} ({}): {}", oid_hex(job.id), job.path, r.error()));
        ++mine.blobs;
        mine.bytes += data.size();
        mine.largest = std::max(mine.largest, data.size());
        if (!facts.not_scanned.empty()) ++mine.not_scanned;
        progress.add(data.size());
        if (!r->empty()) found.push_back(BlobFindings{i, std::move(*r)});
      }
    }
    std::lock_guard<std::mutex> lock(mu);
    total.blobs += mine.blobs;
    total.bytes += mine.bytes;
    total.missing += mine.missing;
    total.lfs += mine.lfs;
    total.not_scanned += mine.not_scanned;
    total.largest = std::max(total.largest, mine.largest);
    for (auto& f : found) total.found.push_back(std::move(f));
  };

  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (failed) return Error{first_error};
  std::sort(total.found.begin(), total.found.end(), [](const auto& a, const auto& b) { return a.job < b.job; });
  return total;
}

}  // namespace keyward
