// run_real: the same body on real OS threads, many times, counting how often it fails.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace sim {

struct RealOptions {
  std::uint64_t runs = 1000;
  // A run that makes no progress for this long is reported as stalled (likely a deadlock).
  double stall_seconds = 10;
};

struct RealReport {
  std::uint64_t runs = 0;     // runs that finished
  std::uint64_t failed = 0;   // runs where a check failed or a thread threw
  double seconds = 0;
  std::string first_failure;  // what went wrong first, "file:line: message"
  // A run hung; its threads are abandoned and the process should exit soon.
  bool stalled = false;
};

RealReport run_real(const std::function<void()>& body, RealOptions options = {});

namespace detail {
// Records a failure for the run_real in progress; false when none is.
bool real_failure(std::string what);
}  // namespace detail

}  // namespace sim
