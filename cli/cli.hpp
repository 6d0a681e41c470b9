// The `interleave` command: what each subcommand takes, and the helpers they share.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lang/scenario.hpp"
#include "sim/core/execution.hpp"
#include "sim/time/machine.hpp"
#include "sim/core/failure.hpp"
#include "sim/explore/explorer.hpp"

namespace cli {

// Exit codes, the same for every subcommand.
inline constexpr int exit_ok = 0;       // no failure, or everything as expected
inline constexpr int exit_failure = 1;  // a failure found, or a scenario not as expected
inline constexpr int exit_usage = 2;    // bad input: a scenario with an error, a bad token or flag
inline constexpr int exit_time_limit = 4;  // --time-limit ran out before the search's end, nothing failed so far
// 3 is the watchdog's (sim/core/watchdog: a task stuck past its time, the process ended).
// Stopped by a signal before the end, nothing failed so far: 128 + the signal's number, as a shell
// shows a process that signal killed (SIGINT 130, SIGTERM 143, SIGHUP 129).
inline constexpr int exit_signal_base = 128;

enum class Color : std::uint8_t { Auto, Always, Never };

// The strategy run and check use unless told: the portfolio once the systematic strategies are
// in the build, else the random walk.
const char* default_strategy();

// The limits on a scenario and its executions beyond --max-steps (flags of run, check and
// replay); a replay needs the same, but for history_steps, which changes only what a story shows.
struct Limits {
  std::uint32_t max_call_depth = 200;        // nested procedure calls per thread
  std::uint64_t max_loop_work = 10'000'000;  // loop iterations and calls per execution
  std::uint32_t max_tasks = lang::LoadLimits{}.max_threads;              // threads declared, and tasks run, besides main
  std::size_t history_steps = sim::ExecutionLimits{}.history_steps;      // steps a story keeps (the tail)
  std::uint32_t max_nesting = lang::LoadLimits{}.max_nesting;            // blocks and expressions
  std::size_t max_file_size = lang::LoadLimits{}.max_file_size;          // bytes of a scenario file
  std::uint64_t max_elements = lang::LoadLimits{}.max_elements;         // elements of all variables and objects
  // The flags that set the limits not at their defaults, each with a leading space.
  std::string flags() const;
  lang::LoadLimits load() const {
    return {.max_file_size = max_file_size, .max_nesting = max_nesting, .max_threads = max_tasks, .max_elements = max_elements};
  }
};

// --shard K/N: the K-th of N slices of a search (numbered from 0), which together run it once.
struct Shard {
  std::uint32_t index = 0;
  std::uint32_t count = 1;
};

// How to explore: shared by run and check.
struct ExploreArgs {
  std::string strategy = default_strategy();
  std::optional<std::uint64_t> iterations;  // unset: default_iterations (sampling) or no limit (dfs, dpor)
  std::uint64_t default_iterations = 1000;
  double time_limit = 0;  // seconds; 0 = none
  std::uint64_t seed = 1;
  std::uint32_t depth = 3;                   // pct and portfolio: bug depth
  std::optional<std::uint32_t> preemptions;  // dfs: preemption bound
  std::string order = "depth-first";         // dpor: depth-first or random
  std::uint64_t max_states = 0;              // states: stop after remembering this many (0: no limit)
  std::uint32_t bitstate = 0;                // states: keep states as bits in 2^bitstate (0: whole)
  std::uint32_t jobs = 1;
  std::uint32_t max_steps = 20000;  // per execution
  Limits limits;
  bool keep_going = false;          // collect every distinct finding instead of stopping at the first
  bool progress = false;            // a progress line on stderr, when it is a terminal
  std::optional<Shard> shard;       // run --shard: each file's result carries what `merge` needs
};

struct OutputArgs {
  Color color = Color::Auto;
  bool timing = true;  // --no-timing drops wall times, for output that is the same byte for byte
  bool quiet = false;
  bool json = false;
  bool full_table = false;  // the per-task table of a story, however many tasks
  std::string file;  // --output: the report goes to this file (written whole, then renamed) instead of stdout
  std::string junit;  // --junit: a JUnit XML report to this file too (run and check)
  std::string html;   // --html: the report as one self-contained HTML page to this file too (run, check, replay)
};

struct RunArgs {
  std::vector<std::string> files;
  bool outputs = false;  // tally what the executions that end normally printed
  std::string trace_out;  // --trace-out: a folder for each failure's Chrome trace
  ExploreArgs explore;
  OutputArgs output;
};

struct ReplayArgs {
  std::string file;
  std::string token;
  std::uint32_t max_steps = 20000;
  Limits limits;
  std::string trace_out;  // --trace-out: the replayed failure's Chrome trace, in this file
  OutputArgs output;
};

struct CheckArgs {
  std::vector<std::string> paths;
  ExploreArgs explore;
  OutputArgs output;
};

// Changes to the scenario's machine line from the command line (timeline, compare).
struct TimingOverrides {
  std::uint32_t cores = 0;  // 0: the scenario's
  double quantum_ms = 0;    // 0: the scenario's
  bool gil = false;
  bool no_gil = false;
};

struct TimelineArgs {
  std::string file;
  std::string trace_out;
  std::uint32_t width = 64;
  TimingOverrides machine;
};

struct RealArgs {
  std::string file;
  std::uint64_t runs = 1000;
  bool noise = false;
  std::uint64_t seed = 1;
  double stall_seconds = 10;
  std::string timeline;  // --timeline: the runs' threads as Chrome trace events
  bool json = false;
  bool no_timing = false;
  bool no_simulation = false;  // else the scenario is also explored, for the side-by-side line
};

struct CompareArgs {
  std::string dir = "scenarios/timing";
  double unit = 0.1;  // seconds of real time per model second
  std::uint32_t repeat = 3;
  std::vector<std::uint32_t> cores{1, 2, 4};
};

int run_command(const RunArgs& args);
int replay_command(const ReplayArgs& args);
int check_command(const CheckArgs& args);
int timeline_command(const TimelineArgs& args);
int compare_command(const CompareArgs& args);
int real_command(const RealArgs& args);

struct MergeArgs {
  std::vector<std::string> files;  // the shards' `run --json` documents
  OutputArgs output;
};
int merge_command(const MergeArgs& args);

// Every subcommand's status goes through here on its way out: what it printed must have reached
// standard output (a full disk, a closed pipe: a message and exit_usage), and a run cut short by
// a stop signal (Ctrl-C, SIGTERM, SIGHUP) is not a success (128 + the signal, unless a failure or
// bad input says more).
int finish(int status);

// --- shared helpers (output.cpp, explore.cpp) ---

bool use_color(Color color, int fd);
std::string paint(const std::string& text, const char* code, bool color);
// A word for a shell: left alone if safe, else in single quotes.
std::string shell_quote(const std::string& word);
// The command line that replays `token` on `file`, with the flags that change what runs.
std::string replay_command_line(const std::string& file, const std::string& token, std::uint32_t max_steps, const Limits& limits = {});
// The same with {token} where a failure's token goes (a hint for stories and pages).
std::string replay_hint(const std::string& file, std::uint32_t max_steps, const Limits& limits = {});
// Times and rates keep the six decimals the JSON always gave them; nlohmann then writes the
// shortest text for that value (0.5, not 0.500000), never float noise.
double six_decimals(double x);
// Writes `text` to `path` through a temporary file renamed over it; returns an error message, or
// nothing on success.
std::string write_file(const std::string& path, const std::string& text);
// Loads a scenario; on an error prints the diagnostic on stderr and returns nullopt.
// With `diagnostic`, the diagnostic's text (uncoloured) is also put there.
std::optional<lang::Loaded> load(const std::string& path, bool color, const Limits& limits = {}, std::string* diagnostic = nullptr);
// What the threads printed in a failure's execution, one line per print, from its history.
std::vector<std::string> printed(const sim::Failure& failure);
// Renders the failures of a report as stories with their replay commands and output.
std::string stories(const sim::Report& report, const std::string& file, std::uint32_t max_steps, bool color, const Limits& limits = {},
                    bool full_table = false);

// Explores `body` as the arguments say. A strategy that is not available yet gives `error`.
struct Explored {
  sim::Report report;
  std::string error;
  std::uint64_t budget = 0;         // the executions the search was allowed (0: no limit)
  sim::ExploreStats stats;          // filled for a shard: its units, for `merge`
};
Explored explore(const std::function<void()>& body, const ExploreArgs& args);
lang::InterpreterOptions interpreter_options(const Limits& limits = {});
// The limits of one execution of a scenario: the step limit and the flags' limits.
sim::ExecutionLimits execution_limits(std::uint32_t max_steps, const Limits& limits);
// The machine a scenario's timing run uses: its `machine` line, changed by the overrides.
sim::MachineModel machine_of(const lang::Program& program, const TimingOverrides& overrides);

}  // namespace cli
