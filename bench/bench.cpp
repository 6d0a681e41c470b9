// bench: executions per second of the runtime on small bodies, and the cost of a bare fiber switch.
// Prints one line per case: case=<name> executions=<n> seconds=<s> exec_per_s=<r> switches_per_exec=<k>
// (medians of runs; k is the cost of one execution in bare fiber switches measured around each run).
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "tests/bodies.hpp"
#include "checker/checkers.hpp"
#include "sim/core/fiber.hpp"
#include "sim/explore/random_strategy.hpp"
#include "sim/explore/runner.hpp"
#include "sim/sim.hpp"

namespace {

using Clock = std::chrono::steady_clock;

using bodies::bank_locked_2t;
using bodies::bank_race_2t;

void counter_locked_4x10() {
  sim::Shared<int> counter{0, "counter"};
  sim::Mutex m{"m"};
  auto work = [&] {
    for (int i = 0; i < 10; ++i) {
      sim::LockGuard guard(m);
      counter.store(counter.load() + 1);
    }
  };
  sim::Thread a(work, "a"), b(work, "b"), c(work, "c"), d(work, "d");
  a.join();
  b.join();
  c.join();
  d.join();
  sim::check(counter.load() == 40, "lost update");
}

// Four tasks counting with seq_cst atomics: the memory model's cost on sequentially consistent
// code (with the checkers on, the model decides each load).
void counter_atomic_4x10() {
  sim::Atomic<int> counter{0, "counter"};
  auto work = [&] {
    for (int i = 0; i < 10; ++i) {
      if (counter.load() < 1000) counter.fetch_add(1);
    }
  };
  sim::Thread a(work, "a"), b(work, "b"), c(work, "c"), d(work, "d");
  a.join();
  b.join();
  c.join();
  d.join();
  sim::check(counter.load() == 40, "lost update");
}

struct Result {
  std::uint64_t executions;
  double seconds;
};

Result run_case(void (*body)(), std::uint64_t executions, sim::OnFailure on_failure) {
  sim::Runner runner(sim::RunOptions{.iterations = executions, .on_failure = on_failure});
  sim::RandomStrategy strategy(1);
  const auto start = Clock::now();
  sim::Report report = runner.run(body, strategy);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return {report.executions, seconds};
}

double switch_ns(std::uint64_t rounds);

// Each run is framed by a short fiber ping-pong, and the case's cost per execution is also
// printed in those switches: that ratio holds while this shared machine's speed drifts (by
// half, over minutes), so it compares figures taken at different times.
void print_case(const char* name, void (*body)(), std::uint64_t executions, sim::OnFailure on_failure, int repeats) {
  std::vector<Result> results;
  std::vector<double> switches;
  for (int i = 0; i < repeats; ++i) {
    const double before = switch_ns(200000);
    results.push_back(run_case(body, executions, on_failure));
    const double after = switch_ns(200000);
    const double ns = results.back().seconds * 1e9 / static_cast<double>(results.back().executions);
    switches.push_back(ns / ((before + after) / 2));
  }
  std::sort(results.begin(), results.end(), [](const Result& a, const Result& b) { return a.seconds < b.seconds; });
  std::sort(switches.begin(), switches.end());
  const Result& median = results[results.size() / 2];
  fmt::print("case={} executions={} seconds={:.4f} exec_per_s={:.0f} switches_per_exec={:.1f}\n", name,
             median.executions, median.seconds, static_cast<double>(median.executions) / median.seconds,
             switches[switches.size() / 2]);
}

// The checkers' cost (race detector and lock-order graph, as check_random runs them): each case
// with and without them, run alternately so the noise of a shared machine hits both alike.
Result run_checked(void (*body)(), std::uint64_t executions, sim::OnFailure on_failure) {
  sim::Runner runner(sim::RunOptions{.iterations = executions, .on_failure = on_failure});
  sim::RandomStrategy strategy(1);
  checker::Checkers checkers;
  sim::Observer* observers[] = {&checkers};
  const auto start = Clock::now();
  sim::Report report = runner.run(body, strategy, observers);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return {report.executions, seconds};
}

void print_overhead(const char* name, void (*body)(), std::uint64_t executions, sim::OnFailure on_failure, int repeats) {
  std::vector<double> without, with, ratio;
  for (int i = 0; i < repeats; ++i) {
    const Result plain = run_case(body, executions, on_failure);
    const Result checked = run_checked(body, executions, on_failure);
    without.push_back(static_cast<double>(plain.executions) / plain.seconds);
    with.push_back(static_cast<double>(checked.executions) / checked.seconds);
    ratio.push_back(without.back() / with.back());
  }
  for (auto* v : {&without, &with, &ratio}) std::sort(v->begin(), v->end());
  const std::size_t mid = static_cast<std::size_t>(repeats) / 2;
  fmt::print("case={}+checkers executions={} exec_per_s={:.0f} without_checkers={:.0f} overhead={:.2f}x\n", name,
             executions, with[mid], without[mid], ratio[mid]);
}

// Two fibers handing control back and forth: the hardware floor every figure above is built on.
struct PingPong {
  sim::Fiber home;
  sim::Fiber* other = nullptr;
  std::uint64_t rounds = 0;
};

void pong(void* arg) {
  auto* p = static_cast<PingPong*>(arg);
  for (;;) sim::Fiber::switch_to(*p->other, p->home);
}

double switch_ns(std::uint64_t rounds) {
  PingPong p;
  sim::Fiber fiber(&pong, &p, 64 * 1024);
  p.other = &fiber;
  sim::Fiber::switch_to(p.home, fiber);  // start it
  const auto start = Clock::now();
  for (std::uint64_t i = 0; i < rounds; ++i) sim::Fiber::switch_to(p.home, fiber);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return seconds * 1e9 / static_cast<double>(2 * rounds);
}

}  // namespace

int main(int argc, char** argv) {
  // bench [SCALE [CASE]]: a scale below 1 makes a quick run (CI smoke; figures are meant to be
  // read at 1); CASE runs one case only (for profiling).
  const double scale = argc > 1 ? std::atof(argv[1]) : 1.0;
  const std::string only = argc > 2 ? argv[2] : "";
  const int repeats = only.empty() ? 5 : 1;
  auto print_case = [&](const char* name, void (*body)(), std::uint64_t executions, sim::OnFailure on_failure, int r) {
    if (only.empty() || only == name) ::print_case(name, body, executions, on_failure, r);
  };
  auto n = [&](double base) { return static_cast<std::uint64_t>(std::max(1.0, base * scale)); };
  if (only.empty() || only == "switch_ns") {
    std::vector<double> switches;
    for (int i = 0; i < repeats; ++i) switches.push_back(switch_ns(n(2e6)));
    std::sort(switches.begin(), switches.end());
    fmt::print("case=switch_ns rounds={} switch_ns={:.2f}\n", n(2e6), switches[switches.size() / 2]);
  }
  print_case("bank_locked_2t", &bank_locked_2t, n(1e6), sim::OnFailure::Stop, repeats);
  print_case("bank_race_2t", &bank_race_2t, n(1e6), sim::OnFailure::Continue, repeats);
  print_case("counter_locked_4x10", &counter_locked_4x10, n(2e5), sim::OnFailure::Stop, repeats);
  print_case("counter_atomic_4x10", &counter_atomic_4x10, n(2e5), sim::OnFailure::Stop, repeats);
  // CASE "checkers" runs these alone.
  auto print_overhead = [&](const char* name, void (*body)(), std::uint64_t executions, sim::OnFailure on_failure) {
    if (only.empty() || only == "checkers") ::print_overhead(name, body, executions, on_failure, only.empty() ? 5 : 7);
  };
  print_overhead("bank_locked_2t", &bank_locked_2t, n(1e6), sim::OnFailure::Stop);
  print_overhead("bank_race_2t", &bank_race_2t, n(1e6), sim::OnFailure::Continue);
  print_overhead("counter_locked_4x10", &counter_locked_4x10, n(2e5), sim::OnFailure::Stop);
  print_overhead("counter_atomic_4x10", &counter_atomic_4x10, n(2e5), sim::OnFailure::Stop);
  return 0;
}
