// Terminal helpers for long searches: a progress line on stderr and Ctrl-C as a clean stop.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

namespace sim {

// Whether stderr is a terminal (a progress line never goes into a pipe or a file).
bool stderr_is_terminal();

// One status line on stderr, redrawn in place at most a few times a second, erased at the end.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool enabled) : enabled_(enabled) {}
  ~ProgressPrinter() { finish(); }
  // True when it is time to draw again (callers build the text only then).
  bool due() const;
  bool enabled() const { return enabled_; }
  void draw(const std::string& text);
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool drawn_ = false;
  Clock::time_point last_{};
};

// While alive, SIGINT sets a flag instead of killing the process (a second Ctrl-C kills it):
// the search stops at the next execution and the report of what was found is still returned.
class SigintStop {
 public:
  SigintStop();
  ~SigintStop();
  SigintStop(const SigintStop&) = delete;
  SigintStop& operator=(const SigintStop&) = delete;
  static const std::atomic<bool>& flag();
};

}  // namespace sim
