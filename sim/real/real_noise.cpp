// run_real's noise (random yields and short sleeps at shared accesses) and its rate summary.
#include <chrono>
#include <cmath>
#include <thread>

#include "sim/real/real_runner.hpp"
#include "sim/core/rng.hpp"

namespace sim {

namespace detail {

namespace {
std::atomic<std::uint64_t> g_noise_seed{1};
std::atomic<std::uint64_t> g_noise_threads{0};
}  // namespace

void set_noise_seed(std::uint64_t seed) { g_noise_seed.store(seed, std::memory_order_relaxed); }

void real_noise() {
  // Each OS thread draws from its own generator, seeded from the run's seed and its arrival order.
  thread_local Rng rng(g_noise_seed.load(std::memory_order_relaxed) * 0x9E3779B97F4A7C15ull +
                       g_noise_threads.fetch_add(1, std::memory_order_relaxed));
  const std::uint32_t roll = static_cast<std::uint32_t>(rng.next() % 16);
  if (roll < 6) {
    std::this_thread::yield();
  } else if (roll == 6) {
    std::this_thread::sleep_for(std::chrono::microseconds(10 + rng.next() % 90));
  }
}

}  // namespace detail

namespace {

// The Wilson score interval for `failed` of `runs` at 95%.
void wilson(const RealReport& r, double& low, double& high) {
  low = high = 0;
  if (r.runs == 0) return;
  const double n = static_cast<double>(r.runs), p = r.rate(), z = 1.959963984540054;
  const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  const double half = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
  low = std::max(0.0, centre - half);
  high = std::min(1.0, centre + half);
}

std::string percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, fraction >= 0.01 ? "%.1f%%" : "%.3f%%", fraction * 100);
  return buf;
}

}  // namespace

std::string with_commas(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

double RealReport::rate_low() const {
  double low = 0, high = 0;
  wilson(*this, low, high);
  return low;
}

double RealReport::rate_high() const {
  double low = 0, high = 0;
  wilson(*this, low, high);
  return high;
}

std::string summary(const RealReport& r, const std::string& what, WallTime wall) {
  char per_run[48];
  std::snprintf(per_run, sizeof per_run, "%.3f ms per run", r.runs == 0 ? 0.0 : r.seconds * 1000 / static_cast<double>(r.runs));
  std::string out = what + " in " + with_commas(r.failed) + " of " + with_commas(r.runs) + " runs (" + percent(r.rate()) +
                    ", 95% CI " + percent(r.rate_low()) + "-" + percent(r.rate_high()) + ")";
  if (wall == WallTime::Show) out += std::string(", ") + per_run;
  if (r.stalled) out += "; a run stalled (a deadlock?) and was abandoned";
  return out;
}

}  // namespace sim
