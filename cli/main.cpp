// interleave: the command line — run, replay and check scenario files (flags parsed with CLI11).
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <new>

#include "cli/cli.hpp"
#include "cli/commands.hpp"
#include "cli/flags.hpp"
#include "interleave/strategies.hpp"

namespace {

const char* const run_examples = R"(
Examples:
  interleave run scenarios/bank_race.scn
  interleave run scenarios/*.scn --quiet
  interleave run scenarios/lost_update.scn --iterations 100000 --seed 7
  interleave run scenarios/bank_race.scn --json --no-timing
  interleave run scenarios/numbers_and_letters.scn --outputs

Exit status: 0 no failure found, 1 a failure found, 2 bad input or usage.
)";

const char* const replay_examples = R"(
Examples:
  interleave replay scenarios/bank_race.scn v2.BlBgBQAJAsfw
  (the token and the whole command come from the story 'interleave run' prints)

Exit status: 0 the schedule ends without a failure, 1 it shows a failure, 2 bad input
(including a token that does not fit the scenario).
)";

const char* const check_examples = R"(
Examples:
  interleave check scenarios/
  interleave check scenarios/bank_race.scn scenarios/bank_locked.scn --no-timing
  interleave check scenarios/ --iterations 20000 --seed 3

A scenario passes when the kinds of finding its executions show are exactly those its
'expect' line lists (a file without one expects ok).
Exit status: 0 all as expected, 1 some not as expected, 2 bad input or usage.
)";

// Flags whose absence means something (a search to its end, no bound) are read into these.
struct Unset {
  std::uint64_t iterations = 0;
  std::int64_t preemptions = -1;
};

void limit_options(CLI::App& app, cli::Limits& l) {
  app.add_option("--max-call-depth", l.max_call_depth, "nested procedure calls a thread may make (deeper is a runtime error)")
      ->check(CLI::Range(1u, 1000000u))
      ->capture_default_str();
  app.add_option("--max-loop-work", l.max_loop_work, "loop iterations and calls one execution may make (more is a step-limit finding)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
      ->capture_default_str();
  app.add_option("--max-tasks", l.max_tasks, "tasks besides main: threads a scenario declares (checked as it loads) and pool workers (more is a task-limit finding)")
      ->check(CLI::Range(1u, 100000u))
      ->capture_default_str();
  app.add_option("--history-steps", l.history_steps, "steps of a failure's history its story keeps: the last ones (earlier ones are counted)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000000}))
      ->capture_default_str();
  app.add_option("--max-nesting", l.max_nesting, "levels of nested blocks, and of operators in one expression, a scenario may have")
      ->check(CLI::Range(1u, 1000u))
      ->capture_default_str();
  app.add_option("--max-file-size", l.max_file_size, "bytes a scenario file may have (a unit may follow: 64KiB, 32MiB)")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 32))
      ->capture_default_str();
  app.add_option("--max-elements", l.max_elements, "elements of all shared variables, atomics and object arrays together (each execution builds them all)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 28))
      ->capture_default_str();
}

void explore_options(CLI::App& app, cli::ExploreArgs& a, Unset& unset) {
  std::vector<std::string> names;
  for (const sim::StrategyEntry& e : sim::strategies()) names.emplace_back(e.name);
  app.add_option("--strategy", a.strategy, "how to explore: " + sim::strategies_help())
      ->check(CLI::IsMember(names))
      ->capture_default_str();
  app.add_option("--iterations,-n", unset.iterations,
                 "executions at most (default " + std::to_string(a.default_iterations) + " when sampling; dfs and dpor run to the end)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  cli::duration_option(app, "--time-limit", a.time_limit, "seconds of exploring at most, per file (0: no limit)", cli::Unit::Seconds,
                  {.low = 0, .high = 365 * 86400.0});
  cli::seed_option(app, "--seed", a.seed, "seed of the random choices (same seed, same output)");
  app.add_option("--depth", a.depth, "pct: the number of ordering constraints a bug needs")->check(CLI::Range(1u, 64u))->capture_default_str();
  app.add_option("--preemptions", unset.preemptions, "dfs: at most this many preemptions per execution (default: no bound)")->check(CLI::Range(0, 64));
  app.add_option("--jobs,-j", a.jobs, "explore on this many OS threads (results do not depend on it)")->check(CLI::Range(1u, 256u))->capture_default_str();
  app.add_option("--max-steps", a.max_steps, "steps one execution may take before it counts as endless (step-limit)")
      ->check(CLI::Range(1u, 100000000u))
      ->capture_default_str();
  limit_options(app, a.limits);
}

void full_table_option(CLI::App& app, cli::OutputArgs& o) {
  app.add_flag("--full-table", o.full_table, "print each story's per-task table even above 32 tasks (a column per task)");
}

void output_options(CLI::App& app, cli::OutputArgs& o, std::string& color, bool& no_timing) {
  app.add_option("--color", color, "colour the output: auto (only on a terminal), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  app.add_flag("--no-timing", no_timing, "leave out wall times, so the output is the same byte for byte");
  app.add_flag("--quiet,-q", o.quiet, "only the summary (and what went wrong)");
}

// An allocation that fails is the input's doing (a scenario too big for this machine): a message
// and exit code 2, never std::bad_alloc's abort. Nothing here may allocate.
void out_of_memory() {
  static const char message[] =
      "interleave: error: out of memory: the scenario needs more than this machine (or its limits) can give; lower "
      "--max-elements, --max-tasks or --history-steps\n";
  [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, message, sizeof message - 1);
  ::_exit(cli::exit_usage);
}

cli::Color color_of(const std::string& name) {
  static const std::map<std::string, cli::Color> colors{{"auto", cli::Color::Auto}, {"always", cli::Color::Always}, {"never", cli::Color::Never}};
  auto it = colors.find(name);
  return it == colors.end() ? cli::Color::Auto : it->second;
}

// The colour and timing flags as given, turned into OutputArgs once parsed.
struct Style {
  std::string color = "auto";
  bool no_timing = false;
  void apply(cli::OutputArgs& o) const {
    o.color = color_of(color);
    o.timing = !no_timing;
  }
};

CLI::App* add_run(CLI::App& app, cli::RunArgs& run, Style& style, Unset& unset) {
  CLI::App* cmd = app.add_subcommand("run", "explore scenario files; print each failure's story and the command that replays it");
  cmd->add_option("FILE", run.files, "scenario files (.scn)")->required();
  explore_options(*cmd, run.explore, unset);
  cmd->add_flag("--keep-going", run.explore.keep_going, "collect every distinct finding instead of stopping at the first");
  cmd->add_flag("--outputs", run.outputs, "list the different outputs the executions printed, with how often each came");
  cmd->add_flag("--json", run.output.json, "print the results as JSON");
  cmd->add_option("--output,-o", run.output.file, "write the report to this file instead of standard output (whole or not at all)");
  output_options(*cmd, run.output, style.color, style.no_timing);
  full_table_option(*cmd, run.output);
  cmd->footer(run_examples);
  return cmd;
}

CLI::App* add_replay(CLI::App& app, cli::ReplayArgs& replay, Style& style) {
  CLI::App* cmd = app.add_subcommand("replay", "run one schedule of a scenario again, from its token, and print its story");
  cmd->add_option("FILE", replay.file, "the scenario file")->required();
  cmd->add_option("TOKEN", replay.token, "the replay token a run printed")->required();
  cmd->add_option("--max-steps", replay.max_steps, "the step limit the run used")->check(CLI::Range(1u, 100000000u))->capture_default_str();
  limit_options(*cmd, replay.limits);
  output_options(*cmd, replay.output, style.color, style.no_timing);
  full_table_option(*cmd, replay.output);
  cmd->footer(replay_examples);
  return cmd;
}

CLI::App* add_check(CLI::App& app, cli::CheckArgs& check, Style& style, Unset& unset) {
  check.explore.default_iterations = 2000;
  check.explore.time_limit = 30;
  CLI::App* cmd = app.add_subcommand("check", "run every scenario under its 'expect' line and print a table of what was expected and found");
  cmd->add_option("PATH", check.paths, "scenario files, or directories to search for *.scn")->required();
  explore_options(*cmd, check.explore, unset);
  output_options(*cmd, check.output, style.color, style.no_timing);
  cmd->footer(check_examples);
  return cmd;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"interleave: explores the interleavings of a concurrent scenario, finds races, deadlocks and broken\n"
               "assertions, and replays each one from a short token."};
  app.require_subcommand(1);
  app.footer("\nRun 'interleave COMMAND --help' for a command's options and examples. The scenario language is\n"
             "described in docs/language.md.");
  cli::RunArgs run;
  cli::ReplayArgs replay;
  cli::CheckArgs check;
  Style run_style, replay_style, check_style;
  Unset run_unset, check_unset;
  CLI::App* run_cmd = add_run(app, run, run_style, run_unset);
  CLI::App* replay_cmd = add_replay(app, replay, replay_style);
  CLI::App* check_cmd = add_check(app, check, check_style, check_unset);
  cli::TimelineArgs timeline;
  CLI::App* timeline_cmd = cli::add_timeline_command(app, timeline);
  cli::CompareArgs compare;
  CLI::App* compare_cmd = cli::add_compare_command(app, compare);
  cli::RealArgs real;
  cli::add_real_command(app, real);  // the one left when no other was chosen

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? cli::exit_ok : cli::exit_usage;
  }
  for (auto [args, unset] : {std::pair{&run.explore, &run_unset}, std::pair{&check.explore, &check_unset}}) {
    if (unset->iterations > 0) args->iterations = unset->iterations;
    if (unset->preemptions >= 0) args->preemptions = static_cast<std::uint32_t>(unset->preemptions);
  }
  run.explore.progress = !run.output.quiet && !run.output.json;
  run_style.apply(run.output);
  replay_style.apply(replay.output);
  check_style.apply(check.output);
  std::set_new_handler(&out_of_memory);
  const auto chosen = [&] {
    if (*run_cmd) return cli::run_command(run);
    if (*replay_cmd) return cli::replay_command(replay);
    if (*check_cmd) return cli::check_command(check);
    if (*timeline_cmd) return cli::timeline_command(timeline);
    if (*compare_cmd) return cli::compare_command(compare);
    return cli::real_command(real);
  };
  return cli::finish(chosen());
}
