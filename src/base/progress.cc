#include "progress.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

namespace keyward {

std::string progress_line(size_t done, size_t total, size_t bytes, double seconds, bool total_known,
                          const char* unit) {
  double mib = bytes / 1048576.0;
  double rate = seconds > 0 ? mib / seconds : 0;
  // A total still growing would make the percentage jump back: count up instead.
  if (!total_known) return fmt::format("keyward: {} {} scanned, {:.1f} MiB, {:.1f} MiB/s (counting)", done, unit, mib, rate);
  std::string eta = "--:--";
  if (done > 0 && total >= done && seconds > 0) {
    auto left = static_cast<long>(seconds * double(total - done) / double(done));
    eta = fmt::format("{}:{:02}", left / 60, left % 60);
  }
  int pct = total ? static_cast<int>(100.0 * double(std::min(done, total)) / double(total)) : 100;
  return fmt::format("keyward: {:3}% {}/{} {}, {:.1f} MiB, {:.1f} MiB/s, ETA {}", pct, done, total, unit, mib, rate,
                     eta);
}

Progress::Progress(size_t total, bool enabled, const char* unit) : total_(total), known_(total > 0), unit_(unit) {
  if (enabled) thread_ = std::thread([this] { run(); });
}

Progress::~Progress() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  const char clear[] = "\r\x1b[K";
  ssize_t r = ::write(2, clear, sizeof clear - 1);
  (void)r;
}

void Progress::run() {
  auto start = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stop_; })) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string line = "\r" + progress_line(done_.load(), total_.load(), bytes_.load(), secs,
                                            known_.load(std::memory_order_acquire), unit_) + "\x1b[K";
    ssize_t r = ::write(2, line.data(), line.size());
    (void)r;
  }
}

}  // namespace keyward
