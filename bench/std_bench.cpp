// std_bench: the std front end's figures. The locked two-withdrawal body written with std::thread
// and std::mutex next to the sim:: version in the same run (alternated, medians), and the cost of
// an instrumented plain access that does not switch, inside a simulation (unobserved and with
// the race detector) and outside one.
// Prints: case=<name> ... (see each print below).
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/std_bodies.hpp"
#include "checker/checkers.hpp"
#include "sim/explore/random_strategy.hpp"
#include "sim/explore/runner.hpp"
#include "tests/bodies.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Executions per second of `body` under the random strategy, with the checkers or without.
double exec_per_s(void (*body)(), std::uint64_t executions, bool checked) {
  sim::Runner runner(sim::RunOptions{.iterations = executions});
  sim::RandomStrategy strategy(1);
  checker::Checkers checkers;
  sim::Observer* observers[] = {&checkers};
  const auto start = Clock::now();
  const sim::Report report =
      checked ? runner.run(body, strategy, observers) : runner.run(body, strategy, {});
  if (!report.ok()) {
    fmt::print(stderr, "std_bench: unexpected finding\n");
    std::exit(1);
  }
  return static_cast<double>(report.executions) / seconds_since(start);
}

void std_locked() { bench::std_bank_locked_2t(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void compare_banks(std::uint64_t executions, int repeats, bool checked) {
  std::vector<double> std_rate, sim_rate, ratio;
  for (int i = 0; i < repeats; ++i) {
    std_rate.push_back(exec_per_s(&std_locked, executions, checked));
    sim_rate.push_back(exec_per_s(&bodies::bank_locked_2t, executions, checked));
    ratio.push_back(std_rate.back() / sim_rate.back());
  }
  fmt::print("case=bank_locked_2t{} executions={} std_exec_per_s={:.0f} sim_exec_per_s={:.0f} std_over_sim={:.3f}\n",
             checked ? "+checkers" : "", executions, median(std_rate), median(sim_rate), median(ratio));
}

long plain_counter = 0;

// The loop of std_plain_accesses, without instrumentation.
[[gnu::noinline]] void plain_accesses(int n) {
  for (int i = 0; i < n; ++i) {
    plain_counter = plain_counter + i;
    asm volatile("" ::: "memory");
  }
}

// The loops of std_array_sweep, likewise.
[[gnu::noinline]] void array_sweep(int n) {
  for (int i = 0; i < n; ++i) {
    bench::std_plain_array[i & 1023] = bench::std_plain_array[i & 1023] + i;
    asm volatile("" ::: "memory");
  }
}

// Long enough that setting up the execution is lost in the figure.
constexpr int loop = 1000000;

// Seconds for one body running `loop` iterations, inside a simulation (one execution) or not.
double time_loop(void (*loop_body)(int), bool simulated, bool checked) {
  if (!simulated) {
    const auto start = Clock::now();
    loop_body(loop);
    return seconds_since(start);
  }
  static void (*run)(int);
  run = loop_body;
  sim::Runner runner(sim::RunOptions{.iterations = 1});
  sim::RandomStrategy strategy(1);
  checker::Checkers checkers;
  sim::Observer* observers[] = {&checkers};
  const auto start = Clock::now();
  auto body = [] { run(loop); };
  if (checked) {
    runner.run(body, strategy, observers);
  } else {
    runner.run(body, strategy, {});
  }
  return seconds_since(start);
}

// Nanoseconds an instrumented access adds: (instrumented loop - plain loop) / accesses.
void access_cost(const char* where, bool simulated, bool checked, int repeats, bool sweep = false) {
  std::vector<double> ns;
  for (int i = 0; i < repeats; ++i) {
    const double hooked = time_loop(sweep ? &bench::std_array_sweep : &bench::std_plain_accesses, simulated, checked);
    const double bare = time_loop(sweep ? &array_sweep : &plain_accesses, simulated, checked);
    ns.push_back((hooked - bare) * 1e9 / (2.0 * loop));
  }
  fmt::print("case=plain_access_{} accesses={} ns_per_access={:.2f}\n", where, 2 * loop, median(ns));
}

}  // namespace

int main(int argc, char** argv) {
  // std_bench [SCALE [CASE]]: a scale below 1 makes a quick run (figures are meant to be read at
  // 1); CASE (std_bank, std_bank_checked, sim_bank, sim_bank_checked, bank, access, access_outside, access_in, access_checked, access_sweep) runs one part only, once (for profiling).
  const double scale = argc > 1 ? std::atof(argv[1]) : 1.0;
  const std::string only = argc > 2 ? argv[2] : "";
  const auto n = static_cast<std::uint64_t>(std::max(1.0, 200000 * scale));
  const int repeats = only.empty() ? 7 : 1;
  if (only == "std_bank" || only == "std_bank_checked" || only == "sim_bank" || only == "sim_bank_checked") {
    const bool checked = only.ends_with("_checked");
    fmt::print("{} exec_per_s={:.0f}\n", only, exec_per_s(only.starts_with("std") ? &std_locked : &bodies::bank_locked_2t, n, checked));
    return 0;
  }
  if (only.empty() || only == "bank") {
    compare_banks(n, repeats, false);
    compare_banks(n, repeats, true);
  }
  const bool access = only.empty() || only == "access";
  if (access || only == "access_outside") access_cost("outside_simulation", false, false, repeats);
  if (access || only == "access_in") access_cost("in_simulation", true, false, repeats);
  if (access || only == "access_checked") access_cost("in_simulation_checked", true, true, repeats);
  // Accesses the race detector needs no more than the repeated ones, but to another address each
  // time, so each is looked up (see interpose/accesses.cpp).
  if (access || only == "access_sweep") access_cost("in_simulation_checked_array_sweep", true, true, repeats, true);
  return 0;
}
