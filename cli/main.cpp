// interleave: the command line — run, replay and check scenario files (flags parsed with CLI11).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>

#include "cli/cli.hpp"
#include "cli/commands.hpp"

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
  interleave replay scenarios/bank_race.scn v1.CAAFAAgECAQAVwE
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
}

void explore_options(CLI::App& app, cli::ExploreArgs& a, Unset& unset) {
  app.add_option("--strategy", a.strategy, "how to explore: portfolio (PCT and random), random, pct, dfs (every interleaving) or dpor (every one up to reordering independent steps)")
      ->check(CLI::IsMember({"random", "pct", "dfs", "dpor", "portfolio"}))
      ->capture_default_str();
  app.add_option("--iterations,-n", unset.iterations,
                 "executions at most (default " + std::to_string(a.default_iterations) + " when sampling; dfs and dpor run to the end)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  app.add_option("--time-limit", a.time_limit, "seconds of exploring at most, per file (0: no limit)")->check(CLI::NonNegativeNumber);
  app.add_option("--seed", a.seed, "seed of the random choices (same seed, same output)")->capture_default_str();
  app.add_option("--depth", a.depth, "pct: the number of ordering constraints a bug needs")->check(CLI::Range(1u, 64u))->capture_default_str();
  app.add_option("--preemptions", unset.preemptions, "dfs: at most this many preemptions per execution (default: no bound)")->check(CLI::Range(0, 64));
  app.add_option("--jobs,-j", a.jobs, "explore on this many OS threads (results do not depend on it)")->check(CLI::Range(1u, 256u))->capture_default_str();
  app.add_option("--max-steps", a.max_steps, "steps one execution may take before it counts as endless (step-limit)")
      ->check(CLI::Range(1u, 100000000u))
      ->capture_default_str();
  limit_options(app, a.limits);
}

void output_options(CLI::App& app, cli::OutputArgs& o, std::string& color, bool& no_timing) {
  app.add_option("--color", color, "colour the output: auto (only on a terminal), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  app.add_flag("--no-timing", no_timing, "leave out wall times, so the output is the same byte for byte");
  app.add_flag("--quiet,-q", o.quiet, "only the summary (and what went wrong)");
}

cli::Color color_of(const std::string& name) {
  static const std::map<std::string, cli::Color> colors{{"auto", cli::Color::Auto}, {"always", cli::Color::Always}, {"never", cli::Color::Never}};
  auto it = colors.find(name);
  return it == colors.end() ? cli::Color::Auto : it->second;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"interleave: explores the interleavings of a concurrent scenario, finds races, deadlocks and broken\n"
               "assertions, and replays each one from a short token."};
  app.require_subcommand(1);
  app.footer("\nRun 'interleave COMMAND --help' for a command's options and examples. The scenario language is\n"
             "described in docs/language.md.");

  cli::RunArgs run;
  std::string run_color = "auto";
  bool run_no_timing = false;
  CLI::App* run_cmd = app.add_subcommand("run", "explore scenario files; print each failure's story and the command that replays it");
  run_cmd->add_option("FILE", run.files, "scenario files (.scn)")->required();
  Unset run_unset;
  explore_options(*run_cmd, run.explore, run_unset);
  run_cmd->add_flag("--keep-going", run.explore.keep_going, "collect every distinct finding instead of stopping at the first");
  run_cmd->add_flag("--outputs", run.outputs, "list the different outputs the executions printed, with how often each came");
  run_cmd->add_flag("--json", run.output.json, "print the results as JSON");
  run_cmd->add_option("--output,-o", run.output.file, "write the report to this file instead of standard output (whole or not at all)");
  output_options(*run_cmd, run.output, run_color, run_no_timing);
  run_cmd->footer(run_examples);

  cli::ReplayArgs replay;
  std::string replay_color = "auto";
  bool replay_no_timing = false;
  CLI::App* replay_cmd = app.add_subcommand("replay", "run one schedule of a scenario again, from its token, and print its story");
  replay_cmd->add_option("FILE", replay.file, "the scenario file")->required();
  replay_cmd->add_option("TOKEN", replay.token, "the replay token a run printed")->required();
  replay_cmd->add_option("--max-steps", replay.max_steps, "the step limit the run used")->check(CLI::Range(1u, 100000000u))->capture_default_str();
  limit_options(*replay_cmd, replay.limits);
  output_options(*replay_cmd, replay.output, replay_color, replay_no_timing);
  replay_cmd->footer(replay_examples);

  cli::CheckArgs check;
  check.explore.default_iterations = 2000;
  check.explore.time_limit = 30;
  std::string check_color = "auto";
  bool check_no_timing = false;
  CLI::App* check_cmd = app.add_subcommand("check", "run every scenario under its 'expect' line and print a table of what was expected and found");
  check_cmd->add_option("PATH", check.paths, "scenario files, or directories to search for *.scn")->required();
  Unset check_unset;
  explore_options(*check_cmd, check.explore, check_unset);
  output_options(*check_cmd, check.output, check_color, check_no_timing);
  check_cmd->footer(check_examples);

  cli::TimelineArgs timeline;
  CLI::App* timeline_cmd = cli::add_timeline_command(app, timeline);
  cli::CompareArgs compare;
  CLI::App* compare_cmd = cli::add_compare_command(app, compare);
  cli::RealArgs real;
  CLI::App* real_cmd = cli::add_real_command(app, real);

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
  run.output.color = color_of(run_color);
  run.output.timing = !run_no_timing;
  replay.output.color = color_of(replay_color);
  replay.output.timing = !replay_no_timing;
  check.output.color = color_of(check_color);
  check.output.timing = !check_no_timing;
  if (*run_cmd) return cli::run_command(run);
  if (*replay_cmd) return cli::replay_command(replay);
  if (*timeline_cmd) return cli::timeline_command(timeline);
  if (*compare_cmd) return cli::compare_command(compare);
  if (*real_cmd) return cli::real_command(real);
  return cli::check_command(check);
}
