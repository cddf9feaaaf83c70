// The scan driver with an in-memory store: every source's blobs go through this loop, so
// its ordering, accounting and error rules are pinned here, on one and on many threads.
#include "scan_driver.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "engine_testing.h"
#include "testing.h"

using namespace keyward;

namespace {

// Blobs by tag; a tag in `missing`, `unreadable` or `oversized` is not read.
struct TestStore final : BlobStore {
  std::vector<std::string> blobs;
  std::map<size_t, bool> missing, unreadable;
  std::map<size_t, size_t> oversized;
  bool reverse = false;  // a store may choose its reading order

  void order(std::vector<DriverJob>& chunk) const override {
    if (!reverse) return;
    for (auto& j : chunk) j.pack = 0, j.offset = 1000000 - j.tag;
    std::sort(chunk.begin(), chunk.end(), [](const DriverJob& a, const DriverJob& b) { return a.offset < b.offset; });
  }
  std::string describe(const DriverJob& job) const override { return "'" + job.path + "'"; }

  struct Reader final : BlobReader {
    const TestStore& s;
    size_t held = 0;
    explicit Reader(const TestStore& store) : s(store) {}
    BlobRead read(const DriverJob& job, ByteBudget& budget) override {
      BlobRead r;
      if (s.missing.count(job.tag)) r.kind = BlobRead::Kind::Missing;
      else if (s.unreadable.count(job.tag)) r.kind = BlobRead::Kind::Unreadable, r.why = job.path + ": gone";
      else if (auto it = s.oversized.find(job.tag); it != s.oversized.end()) r.kind = BlobRead::Kind::Oversized, r.size = it->second;
      if (r.kind != BlobRead::Kind::Data) return r;
      held = s.blobs[job.tag].size();
      budget.acquire(held);
      r.data = s.blobs[job.tag];
      return r;
    }
    void release(ByteBudget& budget) override {
      budget.release(held);
      held = 0;
    }
  };
  Result<std::unique_ptr<BlobReader>> reader() const override {
    return std::unique_ptr<BlobReader>(std::make_unique<Reader>(*this));
  }
};

Result<BlobScanResult> run(const TestStore& store, unsigned threads, size_t budget = size_t(256) << 20) {
  const Engine& e = testing::hf_engine();
  BlobScanOptions opts;
  opts.memory_budget = budget;
  return drive_scan(store, e.scanner(), opts, threads, [&](JobSink& sink) -> Status {
    for (size_t i = 0; i < store.blobs.size(); ++i) {
      DriverJob j;
      j.tag = i;
      j.path = "f" + std::to_string(i) + ".txt";
      sink.add(std::move(j));
    }
    return std::nullopt;
  });
}

TestStore many_blobs(size_t n) {
  TestStore s;
  for (size_t i = 0; i < n; ++i)
    s.blobs.push_back(i % 7 == 3 ? "token = " + testing::fake_hf_token(i) + "\n" : "nothing here " + std::to_string(i) + "\n");
  return s;
}

}  // namespace

TEST_CASE("driver: findings per blob, in reading order, the same on any number of threads", "[driver]") {
  TestStore s = many_blobs(3000);  // more than one chunk of the queue
  for (unsigned threads : {1u, 2u, 4u}) {
    auto r = run(s, threads);
    REQUIRE(r);
    CHECK(r->blobs == 3000);
    size_t bytes = 0;
    for (auto& b : s.blobs) bytes += b.size();
    CHECK(r->bytes == bytes);
    std::vector<size_t> tags;
    for (auto& bf : r->found) {
      tags.push_back(bf.job);
      REQUIRE(bf.findings.size() == 1);
      CHECK(bf.findings[0].path == "f" + std::to_string(bf.job) + ".txt");
    }
    std::vector<size_t> want;
    for (size_t i = 3; i < 3000; i += 7) want.push_back(i);
    CHECK(tags == want);
  }
  s.reverse = true;
  auto r = run(s, 2);
  REQUIRE(r);
  REQUIRE(r->found.size() > 1);
  CHECK(r->found.front().job > r->found.back().job);  // the store's order, not the tags'
}

TEST_CASE("driver: blobs not read are counted by kind, never scanned", "[driver]") {
  TestStore s = many_blobs(50);
  s.missing[3] = true;
  s.unreadable[10] = true;
  s.oversized[17] = size_t(5) << 30;
  auto r = run(s, 2);
  REQUIRE(r);
  CHECK(r->blobs == 47);
  CHECK(r->missing == 1);
  CHECK(r->missing_jobs == std::vector<size_t>{3});
  REQUIRE(r->unreadable.size() == 1);
  CHECK(r->unreadable[0] == std::make_pair(size_t(10), std::string("f10.txt: gone")));
  REQUIRE(r->oversized.size() == 1);
  CHECK(r->oversized[0] == std::make_pair(size_t(17), size_t(5) << 30));
  for (auto& bf : r->found) CHECK((bf.job != 3 && bf.job != 10 && bf.job != 17));
}

TEST_CASE("driver: a budget smaller than one blob still scans every blob", "[driver]") {
  TestStore s = many_blobs(200);
  auto r = run(s, 4, /*budget=*/8);
  REQUIRE(r);
  CHECK(r->blobs == 200);
  CHECK(r->found.size() == 29);
}

TEST_CASE("driver: a producer's error stops the scan and is returned", "[driver]") {
  TestStore s = many_blobs(10);
  const Engine& e = testing::hf_engine();
  BlobScanOptions opts;
  auto r = drive_scan(s, e.scanner(), opts, 2, [&](JobSink& sink) -> Status {
    DriverJob j;
    j.path = "f0.txt";
    sink.add(std::move(j));
    return Error{"the walk failed"};
  });
  REQUIRE_FALSE(r);
  CHECK(r.error() == "the walk failed");
}

TEST_CASE("driver: thread counts", "[driver]") {
  BlobScanOptions opts;
  opts.jobs = 8;
  CHECK(driver_threads(opts, 0) == 8);  // a stream
  CHECK(driver_threads(opts, 1) == 1);
  CHECK(driver_threads(opts, 12) == 4);
  CHECK(driver_threads(opts, 1000) == 8);
  opts.parallel_from = 32;
  CHECK(driver_threads(opts, 31) == 1);
  CHECK(driver_threads(opts, 32) == 8);
}

TEST_CASE("driver: bytes held in memory (standard input, messages) are scanned like blobs", "[driver]") {
  const Engine& e = testing::hf_engine();
  std::vector<MemoryBlob> texts;
  for (size_t i = 0; i < 500; ++i)
    texts.push_back(MemoryBlob{"<text " + std::to_string(i) + ">",
                               i % 5 == 2 ? "Fix it\n\ntoken " + testing::fake_hf_token(i) + "\n" : "Fix it\n", ""});
  texts.push_back(MemoryBlob{"empty", "", ""});
  auto r = scan_memory(texts, e.scanner(), BlobScanOptions{});
  REQUIRE(r);
  CHECK(r->blobs == texts.size());
  std::vector<size_t> tags;
  for (auto& bf : r->found) {
    tags.push_back(bf.job);
    REQUIRE(bf.findings.size() == 1);
    CHECK(bf.findings[0].path == texts[bf.job].path);
    CHECK(bf.findings[0].line == 3);
  }
  std::vector<size_t> want;
  for (size_t i = 2; i < 500; i += 5) want.push_back(i);
  CHECK(tags == want);
}

namespace {

// Reads every blob as a small text; a thread other than `producer` waits until `released`:
// the workers are stuck, so whatever is scanned before the producer returns, the producer
// scanned itself.
struct StalledStore final : BlobStore {
  std::thread::id producer = std::this_thread::get_id();
  mutable std::mutex mu;
  mutable std::condition_variable cv;
  bool released = false;
  mutable std::atomic<size_t> reads{0};
  std::string text = "nothing to see\n";

  void release_workers() {
    {
      std::lock_guard<std::mutex> lock(mu);
      released = true;
    }
    cv.notify_all();
  }
  std::string describe(const DriverJob& job) const override { return "'" + job.path + "'"; }
  struct Reader final : BlobReader {
    const StalledStore& s;
    explicit Reader(const StalledStore& store) : s(store) {}
    BlobRead read(const DriverJob&, ByteBudget&) override {
      if (std::this_thread::get_id() != s.producer) {
        std::unique_lock<std::mutex> lock(s.mu);
        s.cv.wait(lock, [&] { return s.released; });
      }
      ++s.reads;
      BlobRead r;
      r.data = s.text;
      return r;
    }
    void release(ByteBudget&) override {}
  };
  Result<std::unique_ptr<BlobReader>> reader() const override {
    return std::unique_ptr<BlobReader>(std::make_unique<Reader>(*this));
  }
};

// Drives n jobs through the stalled store; *read_when_produced: the blobs read by the time
// the producer had added every job (it releases the workers then).
Result<BlobScanResult> produce(StalledStore& s, size_t n, unsigned threads, const BlobScanOptions& opts,
                               size_t* read_when_produced) {
  return drive_scan(s, testing::hf_engine().scanner(), opts, threads, [&](JobSink& sink) -> Status {
    for (size_t i = 0; i < n; ++i) {
      DriverJob j;
      j.tag = i;
      sink.add(std::move(j));
    }
    *read_when_produced = s.reads;
    s.release_workers();
    return std::nullopt;
  });
}

}  // namespace

TEST_CASE("driver: a producer far ahead of the workers scans too, so the queue stays bounded", "[driver]") {
  constexpr size_t kJobs = 100000;
  StalledStore s;
  BlobScanOptions opts;
  opts.queued_per_worker = 8192;
  size_t read_when_produced = 0;
  auto r = produce(s, kJobs, 2, opts, &read_when_produced);
  REQUIRE(r);
  CHECK(r->blobs == kJobs);
  // Unbounded, the producer would have queued all 100,000 and scanned none of them.
  CHECK(read_when_produced >= kJobs - 40000);
}

TEST_CASE("driver: on one thread the producer queues everything first (nobody else would scan)", "[driver]") {
  StalledStore s;
  size_t read_when_produced = 1;
  auto r = produce(s, 30000, 1, BlobScanOptions(), &read_when_produced);
  REQUIRE(r);
  CHECK(r->blobs == 30000);
  CHECK(read_when_produced == 0);
}

TEST_CASE("driver: blobs not read are listed in job order, the same on any number of threads", "[driver]") {
  TestStore s;
  for (size_t i = 0; i < 20000; ++i) s.blobs.push_back("nothing here " + std::to_string(i) + "\n");
  for (size_t i = 5; i < s.blobs.size(); i += 97) s.missing[i] = true;
  for (size_t i = 7; i < s.blobs.size(); i += 101) s.unreadable[i] = true;
  for (size_t i = 11; i < s.blobs.size(); i += 103) s.oversized[i] = size_t(5) << 30;
  auto one = run(s, 1);
  REQUIRE(one);
  REQUIRE(one->missing_jobs.size() > 100);
  CHECK(std::is_sorted(one->missing_jobs.begin(), one->missing_jobs.end()));
  for (int round = 0; round < 5; ++round) {
    auto many = run(s, 3);
    REQUIRE(many);
    CHECK(many->missing_jobs == one->missing_jobs);
    CHECK(many->unreadable == one->unreadable);
    CHECK(many->oversized == one->oversized);
  }
}

TEST_CASE("driver: a producer within the bound only queues (the workers scan everything)", "[driver]") {
  StalledStore s;
  size_t read_when_produced = 1;
  // The default bound: 65,536 queued jobs per worker.
  auto r = produce(s, 50000, 2, BlobScanOptions(), &read_when_produced);
  REQUIRE(r);
  CHECK(r->blobs == 50000);
  CHECK(read_when_produced == 0);
}
