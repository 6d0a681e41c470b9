// Fuzz targets: the functions libFuzzer drives and the corpus test replays, one per input surface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lang/limits.hpp"

namespace fuzz {

// Load limits of the targets that load scenarios. With the command's defaults a valid scenario of
// 15 arrays of 65,536 elements took 22 s to check and, with 900 threads, 30 s to run under the fuzz
// build's instrumentation (a libFuzzer timeout, not a bug: 0.2 s in a release build); these keep
// every input to milliseconds and still reach every construct, every budget's refusal and the
// per-task table's cut-off (32 tasks).
inline lang::LoadLimits fuzz_load_limits() {
  lang::LoadLimits limits;
  limits.max_threads = 40;
  limits.max_elements = 4096;
  return limits;
}

// Each takes any bytes and must neither crash, hang, leak, nor trip a sanitizer; a broken
// internal promise (a token that does not survive its own round trip) aborts.
using Target = void (*)(const std::uint8_t* data, std::size_t size);

// A broken internal promise: says which, and aborts (the fuzzer keeps the input).
[[noreturn]] void broken(const char* what);

// The scenario lexer, parser and checker on the bytes as a file's text.
void scenario(const std::uint8_t* data, std::size_t size);
// The replay-token decoder; a token that decodes must encode back to the same schedule, and is
// replayed on a small fixed scenario.
void token(const std::uint8_t* data, std::size_t size);
// A full run of the scenario the bytes spell, when it checks: a few executions, a small step budget.
void run(const std::uint8_t* data, std::size_t size);
// The real-thread backend on the scenario the bytes spell, when it checks and may run on real
// threads: two runs with noise, a short stall time and a small loop budget.
void real(const std::uint8_t* data, std::size_t size);
// The futures and thread pools of the C++ API (sim::Promise, sim::Future, sim::ThreadPool,
// map, shutdown, as_completed), one operation per byte, in two client tasks.
void futures(const std::uint8_t* data, std::size_t size);

struct Named {
  const char* name;
  Target target;
  // Where its seeds are, relative to the source root: the corpus directory is the first.
  std::vector<std::string> seeds;
};
// Every target, by the name scripts/fuzz takes.
const std::vector<Named>& targets();

}  // namespace fuzz
