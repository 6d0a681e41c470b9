// run_real: the same body on real OS threads, many times, counting how often it fails.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace sim {

struct RealOptions {
  std::uint64_t runs = 1000;
  // A run that makes no progress for this long is reported as stalled (likely a deadlock).
  double stall_seconds = 10;
  // Yields: at every access to a sim::Shared, a random yield or short sleep (seeded per thread),
  // which widens race windows so that rare interleavings come up more often.
  enum class Noise : std::uint8_t { None, Yields } noise = Noise::None;
  std::uint64_t seed = 1;
};

struct RealReport {
  std::uint64_t runs = 0;     // runs that finished
  std::uint64_t failed = 0;   // runs where a check failed or a thread threw
  double seconds = 0;
  std::string first_failure;  // what went wrong first, "file:line: message"
  // A run hung; its threads are abandoned and the process should exit soon.
  bool stalled = false;

  // The failure rate, and its 95% confidence interval (Wilson score), as fractions.
  double rate() const { return runs == 0 ? 0 : static_cast<double>(failed) / static_cast<double>(runs); }
  double rate_low() const;
  double rate_high() const;
};
// "overdraft in 11 of 20,000 runs (0.055%, 95% CI 0.031%-0.098%), 0.8 ms per run"; without the
// time per run with WallTime::Hide (output that is the same from run to run when the counts are).
enum class WallTime : std::uint8_t { Show, Hide };
std::string summary(const RealReport& report, const std::string& what, WallTime wall = WallTime::Show);
// "20,000": a count with thousands separated, as summaries print them.
std::string with_commas(std::uint64_t n);

RealReport run_real(const std::function<void()>& body, RealOptions options = {});

namespace detail {
// Records a failure for the run_real in progress; false when none is.
bool real_failure(std::string what);
// Set while a run_real with noise is in progress; sim::Shared then calls real_noise() per access.
inline std::atomic<bool> real_noise_on{false};
void real_noise();
void set_noise_seed(std::uint64_t seed);
}  // namespace detail

}  // namespace sim
