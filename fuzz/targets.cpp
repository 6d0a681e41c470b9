// Fuzz targets: scenario text through the loader, tokens through the decoder and a replay, and
// whole runs of parsed scenarios under small budgets (so each input takes milliseconds).
#include "fuzz/targets.hpp"

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "interleave/interleave.hpp"
#include "lang/scenario.hpp"

namespace fuzz {

namespace {

std::string text_of(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Budgets small enough that every input ends in milliseconds, large enough to reach every
// construct: a step-limit or local-work finding is an ordinary outcome here.
constexpr std::uint32_t max_steps = 400;
constexpr std::uint64_t max_local_work = 20'000;
const std::uint64_t max_choices = sim::max_choices_within(max_steps, 64);

lang::InterpreterOptions small_options() {
  return lang::InterpreterOptions{.stack_size = 512 * 1024, .max_local_work = max_local_work};
}

sim::ExecutionLimits small_limits() {
  sim::ExecutionLimits limits;
  limits.max_steps = max_steps;
  limits.max_tasks = 64;
  limits.stack_size = small_options().stack_size;
  limits.crashes = sim::ExecutionLimits::Crashes::Die;  // a crash here is ours to see, not a finding
  return limits;
}

// Two threads, a lock, a condition and a race: every kind of step a token can choose between.
constexpr std::string_view replay_scenario = R"(shared balance = 10
shared ready = false
mutex m
condition c

thread alice:
    lock m:
        balance = balance + 1
        ready = true
        notify c

thread bob:
    lock m:
        while not ready:
            wait c, m
    balance = balance - 1
)";

}  // namespace

void scenario(const std::uint8_t* data, std::size_t size) {
  const lang::Loaded loaded = lang::load_text("fuzz.scn", text_of(data, size), fuzz_load_limits());
  if (loaded.ok() == loaded.error.has_value()) broken("load_text gave both or neither of a program and an error");
  if (loaded.error) (void)loaded.error->render(false);
}

void token(const std::uint8_t* data, std::size_t size) {
  const std::string text = text_of(data, size);
  const sim::DecodedSchedule decoded = sim::decode_schedule(text, max_choices);
  if (!decoded.ok()) return;
  const std::string again = decoded.schedule.encode();
  const sim::DecodedSchedule back = sim::decode_schedule(again, max_choices);
  if (!back.ok() || !(back.schedule == decoded.schedule)) broken("a decoded token does not survive encode and decode");
  static const lang::Loaded loaded = lang::load_text("replay.scn", std::string(replay_scenario));
  if (!loaded.ok()) broken("the fixed replay scenario does not load");
  const sim::Report report = sim::replay(lang::make_body(loaded.program, small_options()), text, small_limits());
  (void)sim::to_text(report);
}

void run(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return;  // the parser target covers big texts; runs want small programs
  const lang::Loaded loaded = lang::load_text("fuzz.scn", text_of(data, size), fuzz_load_limits());
  if (!loaded.ok()) return;
  sim::CheckOptions options;
  options.iterations = 4;
  options.on_failure = sim::OnFailure::Continue;
  options.limits = small_limits();
  options.minimize.enabled = false;
  const sim::Report report = sim::check_random(lang::make_body(loaded.program, small_options()), options);
  (void)sim::to_text(report);
  (void)sim::to_json(report);
}

const std::vector<Named>& targets() {
  static const std::vector<Named> all{
      {"scenario", scenario, {"fuzz/corpus/scenario", "scenarios", "tests/malformed"}},
      {"token", token, {"fuzz/corpus/token"}},
      {"run", run, {"fuzz/corpus/run", "scenarios", "tests/malformed"}},
      {"real", real, {"fuzz/corpus/real", "scenarios"}},
      {"futures", futures, {"fuzz/corpus/futures"}},
  };
  return all;
}

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "fuzz: internal error: %s\n", what);
  std::abort();
}

}  // namespace fuzz
