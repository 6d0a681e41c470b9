// Board: the shared counts, the first failure, the time budget's timer and the progress text.
#include "sim/explore/board.hpp"

#include "sim/explore/explorer.hpp"
#include "sim/explore/progress.hpp"

namespace sim {

Board::Board(const ExploreRun& run, std::uint32_t jobs)
    : run_(run), cancel_(run.cancel), sigint_(SigintStop::flag()), start_(Clock::now()), counted_(jobs, 0), progress_(jobs, 0.0) {
  if (run.time_limit > 0) timer_ = std::thread([this, seconds = run.time_limit] { time(seconds); });
}

Board::~Board() {
  if (!timer_.joinable()) return;
  {
    std::lock_guard lock(timer_mutex_);
    timer_stop_ = true;
  }
  timer_wake_.notify_all();
  timer_.join();
}

void Board::time(double seconds) {
  const auto deadline = start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::unique_lock lock(timer_mutex_);
  if (!timer_wake_.wait_until(lock, deadline, [this] { return timer_stop_; })) {
    expired_.store(true, std::memory_order_relaxed);
  }
}

void Board::count(std::uint32_t job, std::uint64_t unit, std::uint64_t executions, double progress) {
  std::lock_guard lock(mutex_);
  sizes_[unit] += executions;
  counted_[job] += executions;
  progress_[job] = progress;
}

std::uint64_t Board::before(std::uint64_t unit) {
  std::lock_guard lock(mutex_);
  std::uint64_t n = 0;
  for (auto it = sizes_.begin(); it != sizes_.end() && it->first < unit; ++it) n += it->second;
  return n;
}

void Board::offer_failure(Place p) {
  std::lock_guard lock(mutex_);
  if (!first_ || p < *first_) first_ = p;
  failures_.fetch_add(1, std::memory_order_relaxed);
}

bool Board::past(Place p) {
  std::lock_guard lock(mutex_);
  return first_ && *first_ < p;
}

std::string Board::status() {
  std::lock_guard lock(mutex_);
  std::uint64_t total = 0;
  double estimate = 0;
  for (std::size_t j = 0; j < counted_.size(); ++j) {
    total += counted_[j];
    if (progress_[j] > 0) estimate += static_cast<double>(counted_[j]) / progress_[j];
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  std::string text = "interleave: " + std::to_string(total) + " executions, " +
                     std::to_string(static_cast<std::uint64_t>(seconds > 0 ? total / seconds : 0)) + "/s, " +
                     std::to_string(failures_.load()) + " failures";
  if (estimate >= static_cast<double>(total) && estimate > 0) {
    text += ", about " + std::to_string(static_cast<std::uint64_t>(estimate)) + " in all";
  }
  return text + " [" + run_.description + "]";
}

}  // namespace sim
