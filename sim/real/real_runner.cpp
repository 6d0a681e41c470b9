// run_real: runs a body on OS threads with a watchdog, and collects check failures and exceptions.
#include "sim/real/real_runner.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "sim/core/body.hpp"
#include "sim/core/check.hpp"
#include "sim/core/execution.hpp"
#include "sim/core/errors.hpp"
#include "sim/sync/thread.hpp"

namespace sim {

namespace {

struct RealState {
  std::mutex m;
  std::condition_variable progress;
  std::uint64_t done = 0;
  std::uint64_t failed = 0;
  bool finished = false;
  bool run_failed = false;
  std::string first_failure;
};

std::mutex g_active_mutex;       // one run_real at a time in a process
std::shared_ptr<RealState> g_active;
std::mutex g_sink_mutex;

}  // namespace

bool detail::real_failure(std::string what) {
  std::lock_guard<std::mutex> lock(g_sink_mutex);
  if (!g_active) return false;
  std::lock_guard<std::mutex> state_lock(g_active->m);
  g_active->run_failed = true;
  if (g_active->first_failure.empty()) g_active->first_failure = std::move(what);
  return true;
}

void detail::run_real_thread(Body& body) {
  try {
    body.run();
  } catch (const std::exception& e) {
    if (!real_failure("a thread threw " + describe_exception(e))) throw;
  }
}

void detail::check_failed(std::string_view message, Location where) {
  if (Execution* e = Execution::current()) {
    e->fail(FailureKind::AssertionFailed, std::string(message), where);
    return;
  }
  std::string what = to_string(where) + ": " + std::string(message);
  if (real_failure(what)) return;
  std::fprintf(stderr, "interleave: check failed at %s\n", what.c_str());
  std::abort();
}

RealReport run_real(const std::function<void()>& body, RealOptions options) {
  std::lock_guard<std::mutex> one_at_a_time(g_active_mutex);
  auto state = std::make_shared<RealState>();
  {
    std::lock_guard<std::mutex> lock(g_sink_mutex);
    g_active = state;
  }
  detail::set_noise_seed(options.seed);
  detail::real_noise_on.store(options.noise == RealOptions::Noise::Yields, std::memory_order_relaxed);
  const auto start = std::chrono::steady_clock::now();
  std::thread driver([state, body, runs = options.runs] {
    for (std::uint64_t i = 0; i < runs; ++i) {
      try {
        body();
      } catch (const std::exception& e) {
        detail::real_failure("the body threw " + describe_exception(e));
      }
      std::lock_guard<std::mutex> lock(state->m);
      if (state->run_failed) ++state->failed;
      state->run_failed = false;
      ++state->done;
      state->progress.notify_all();
    }
    std::lock_guard<std::mutex> lock(state->m);
    state->finished = true;
    state->progress.notify_all();
  });

  RealReport report;
  {
    std::unique_lock<std::mutex> lock(state->m);
    const auto stall = std::chrono::duration<double>(options.stall_seconds);
    std::uint64_t seen = state->done;
    while (!state->finished) {
      if (!state->progress.wait_for(lock, stall, [&] { return state->finished || state->done != seen; })) {
        report.stalled = true;
        break;
      }
      seen = state->done;
    }
    report.runs = state->done;
    report.failed = state->failed;
    report.first_failure = state->first_failure;
  }
  if (report.stalled) {
    driver.detach();
  } else {
    driver.join();
  }
  {
    std::lock_guard<std::mutex> lock(g_sink_mutex);
    g_active.reset();
  }
  detail::real_noise_on.store(false, std::memory_order_relaxed);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace sim
