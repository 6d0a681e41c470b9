// Board: what the jobs of one search share while they run - executions per unit (for the
// budget), the first failure so far (to stop), the time budget, and the figures of the progress line.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sim {

struct ExploreRun;

// An execution's place in the whole search: its unit, then its rank within the unit.
struct Place {
  std::uint64_t unit = 0;
  std::uint64_t local = 0;
  bool operator<(const Place& o) const { return unit != o.unit ? unit < o.unit : local < o.local; }
};

class Board {
 public:
  Board(const ExploreRun& run, std::uint32_t jobs);
  ~Board();
  Board(const Board&) = delete;
  Board& operator=(const Board&) = delete;

  // A job's executions in `unit` since its last report (reported in batches: no lock per execution).
  void count(std::uint32_t job, std::uint64_t unit, std::uint64_t executions, double progress);
  // Executions counted in units before `unit`, a lower bound on where the unit starts.
  std::uint64_t before(std::uint64_t unit);
  void offer_failure(Place p);
  bool any_failure() const { return failures_.load(std::memory_order_relaxed) != 0; }
  bool past_first_failure(Place p) {
    if (failures_.load(std::memory_order_relaxed) == 0) return false;
    return past(p);
  }
  // Asked to stop from outside (the cancel flag, Ctrl-C): the report says it was interrupted.
  bool cancelled() const {
    return (cancel_ != nullptr && cancel_->load(std::memory_order_relaxed)) || sigint_.load(std::memory_order_relaxed);
  }
  // The time budget ran out (a timer sets the flag, so asking costs no clock read).
  bool out_of_time() const { return expired_.load(std::memory_order_relaxed); }
  // Either: asked before every execution.
  bool stop() const { return out_of_time() || cancelled(); }
  const std::atomic<bool>& expired() const { return expired_; }
  std::string status();

 private:
  using Clock = std::chrono::steady_clock;
  bool past(Place p);
  void time(double seconds);

  const ExploreRun& run_;
  const std::atomic<bool>* cancel_;
  const std::atomic<bool>& sigint_;
  Clock::time_point start_;
  std::mutex mutex_;
  std::map<std::uint64_t, std::uint64_t> sizes_;
  std::optional<Place> first_;
  std::atomic<std::uint64_t> failures_{0};
  std::vector<std::uint64_t> counted_;
  std::vector<double> progress_;
  std::atomic<bool> expired_{false};
  std::mutex timer_mutex_;
  std::condition_variable timer_wake_;
  bool timer_stop_ = false;
  std::thread timer_;
};

}  // namespace sim
