// A progress line on stderr for long sweeps (objects, bytes, rate, ETA). Drawn from its
// own thread a few times a second; workers only bump atomic counters.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

namespace keyward {

// The line drawn for a state; split out so it can be tested without a terminal.
std::string progress_line(size_t done, size_t total, size_t bytes, double seconds);

class Progress {
 public:
  // Draws nothing unless enabled (the caller decides: stderr is a terminal, not --quiet).
  Progress(size_t total, bool enabled);
  ~Progress();  // erases the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // For a total that grows while the scan runs (blobs still being discovered).
  void add_total(size_t n) { total_.fetch_add(n, std::memory_order_relaxed); }

  void add(size_t bytes) {
    done_.fetch_add(1, std::memory_order_relaxed);
    bytes_.fetch_add(bytes, std::memory_order_relaxed);
  }

 private:
  void run();
  std::atomic<size_t> total_;
  std::atomic<size_t> done_{0}, bytes_{0};
  bool stop_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace keyward
