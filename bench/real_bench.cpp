// real_bench: the bank race on real OS threads (with and without noise, and locked) next to the
// simulation, as the summary line the real-thread runner prints. Figures vary from run to run.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/bodies.hpp"
#include "interleave/interleave.hpp"

using bodies::bank_locked_2t;
using bodies::bank_race_2t;

int main(int argc, char** argv) {
  const std::uint64_t runs = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10000;
  const sim::Report simulated = sim::check_random(bank_race_2t, {.iterations = 1000, .seed = 1});
  const sim::Failure* found = simulated.find(sim::FailureKind::AssertionFailed);
  const std::string sim_part = found != nullptr ? "simulation: found at execution " + std::to_string(found->execution) : "simulation: not found";
  using Noise = sim::RealOptions::Noise;
  const sim::RealReport quiet = sim::run_real(bank_race_2t, {.runs = runs});
  std::printf("bank race, no noise:   real threads: %s; %s\n", sim::summary(quiet, "overdraft").c_str(), sim_part.c_str());
  const sim::RealReport noisy = sim::run_real(bank_race_2t, {.runs = runs, .noise = Noise::Yields});
  std::printf("bank race, --noise:    real threads: %s; %s\n", sim::summary(noisy, "overdraft").c_str(), sim_part.c_str());
  const sim::RealReport locked = sim::run_real(bank_locked_2t, {.runs = runs, .noise = Noise::Yields});
  std::printf("bank locked, --noise:  real threads: %s\n", sim::summary(locked, "overdraft").c_str());
  return 0;
}
