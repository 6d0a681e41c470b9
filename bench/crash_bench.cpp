// crash_bench: what turning a task's crash into a finding costs, next to what the other design
// (each execution in a forked worker) would cost. Prints one line per case:
//   case=clean ns_per_exec=<n>        two threads, one of them returns early (no crash)
//   case=crash ns_per_exec=<n>        the same with a null dereference instead: a SIGSEGV rescued every execution
//   case=fork_round_trip ns=<n>       fork(), the child exits at once, waitpid(): the floor of a worker per execution
//   case=bank_locked_2t ns_per_exec=<n> the locked two-withdrawal body, for scale
// Medians of alternated runs (clean and crash take turns, so a drift of this shared machine hits both).
#include <fmt/core.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <vector>

#include "sim/explore/random_strategy.hpp"
#include "sim/explore/runner.hpp"
#include "sim/sim.hpp"
#include "tests/bodies.hpp"

namespace {

using Clock = std::chrono::steady_clock;

volatile int* volatile g_null = nullptr;
volatile bool g_crash = false;

void worker_body() {
  sim::Shared<int> x{0, "x"};
  sim::Thread t([&] {
    x.store(1);
    if (g_crash) x.store(*g_null);
  }, "worker");
  t.join();
}

double ns_per_exec(void (*body)(), std::uint64_t executions) {
  sim::Runner runner(sim::RunOptions{.iterations = executions, .on_failure = sim::OnFailure::Continue});
  sim::RandomStrategy strategy(1);
  const auto start = Clock::now();
  const sim::Report report = runner.run(body, strategy);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (report.executions != executions) std::abort();
  return seconds * 1e9 / static_cast<double>(executions);
}

double fork_ns(int rounds) {
  const auto start = Clock::now();
  for (int i = 0; i < rounds; ++i) {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
  return std::chrono::duration<double>(Clock::now() - start).count() * 1e9 / rounds;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const double scale = argc > 1 ? std::atof(argv[1]) : 1.0;
  const auto n = [&](double base) { return static_cast<std::uint64_t>(std::max(1.0, base * scale)); };
  constexpr int repeats = 7;
  std::vector<double> clean, crash, forks, bank;
  for (int i = 0; i < repeats; ++i) {
    g_crash = false;
    clean.push_back(ns_per_exec(&worker_body, n(200000)));
    g_crash = true;
    crash.push_back(ns_per_exec(&worker_body, n(200000)));
    forks.push_back(fork_ns(static_cast<int>(n(2000))));
    bank.push_back(ns_per_exec(&bodies::bank_locked_2t, n(500000)));
  }
  fmt::print("case=clean ns_per_exec={:.0f}\n", median(clean));
  fmt::print("case=crash ns_per_exec={:.0f} crash_cost_ns={:.0f}\n", median(crash), median(crash) - median(clean));
  fmt::print("case=fork_round_trip ns={:.0f}\n", median(forks));
  fmt::print("case=bank_locked_2t ns_per_exec={:.0f} fork_in_bank_executions={:.0f}\n", median(bank), median(forks) / median(bank));
  return 0;
}
