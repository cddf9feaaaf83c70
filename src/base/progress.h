// A progress line on stderr for long sweeps (objects, bytes, rate, ETA). Drawn from its
// own thread a few times a second; workers only bump atomic counters. The same display
// serves history sweeps (blobs) and folder sweeps (files). A percentage is shown only once
// the total is final, so it never goes backwards; until then the line counts up.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

namespace keyward {

// The line drawn for a state; split out so it can be tested without a terminal. With
// total_known false (still discovering what to scan) it counts without a percentage.
std::string progress_line(size_t done, size_t total, size_t bytes, double seconds, bool total_known = true,
                          const char* unit = "blobs");

class Progress {
 public:
  // Draws nothing unless enabled (the caller decides: stderr is a terminal, not --quiet).
  // A total of 0 is not known yet: add_total() grows it, total_known() makes it final.
  Progress(size_t total, bool enabled, const char* unit = "blobs");
  ~Progress();  // erases the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // For a total that grows while the scan runs (blobs still being discovered).
  void add_total(size_t n) { total_.fetch_add(n, std::memory_order_relaxed); }
  // Nothing more will be added: from now on the line shows a percentage and an ETA.
  void total_known() { known_.store(true, std::memory_order_release); }

  void add(size_t bytes) {
    done_.fetch_add(1, std::memory_order_relaxed);
    bytes_.fetch_add(bytes, std::memory_order_relaxed);
  }

 private:
  void run();
  std::atomic<size_t> total_;
  std::atomic<bool> known_;
  const char* unit_;
  std::atomic<size_t> done_{0}, bytes_{0};
  bool stop_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace keyward
