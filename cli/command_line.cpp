// The command line of interleave: its subcommands and their flags (parsed with CLI11).
#include "cli/command_line.hpp"

#include <map>

#include "cli/commands.hpp"
#include "cli/flags.hpp"
#include "cli/version.hpp"
#include "interleave/strategies.hpp"

namespace {

const char* const run_examples = R"(
Examples:
  interleave run scenarios/bank_race.scn
  interleave run scenarios/*.scn --quiet
  interleave run scenarios/lost_update.scn --iterations 100000 --seed 7
  interleave run scenarios/bank_race.scn --json --no-timing
  interleave run scenarios/numbers_and_letters.scn --outputs
  interleave run scenarios/*.scn --quiet --junit report.xml --time-limit 5m
  interleave run scenarios/bank_race.scn --html bank.html --trace-out traces
  interleave run scenarios/lost_update.scn --shard 2/4 --json -o shard-2.json
  (then: interleave merge shard-*.json, the report of the whole search)

Exit status: 0 no failure found, 1 a failure found, 2 bad input or usage, 4 the time limit ran
out before the search's end, 128 + the signal (130 SIGINT, 143 SIGTERM, 129 SIGHUP) stopped by a
signal before the end; 1 and 2 say more than 4 and 128 + N.
)";

const char* const replay_examples = R"(
Examples:
  interleave replay scenarios/bank_race.scn v2.BlBgBQAJAsfw
  interleave replay scenarios/bank_race.scn v2.BlBgBQAJAsfw --trace-out race.json --html race.html
  (the token and the whole command come from the story 'interleave run' prints)

Exit status: 0 the schedule ends without a failure, 1 it shows a failure, 2 bad input
(including a token that does not fit the scenario).
)";

const char* const check_examples = R"(
Examples:
  interleave check scenarios/
  interleave check scenarios/bank_race.scn scenarios/bank_locked.scn --no-timing
  interleave check scenarios/ --iterations 20000 --seed 3
  interleave check scenarios/ --json --junit check.xml
  interleave check scenarios/ --html check.html

A scenario passes when the kinds of finding its executions show are exactly those its
'expect' line lists (a file without one expects ok).
Exit status: 0 all as expected, 1 some not as expected, 2 bad input or usage, 4 the time limit
cut a search short, 128 + the signal (130 SIGINT, 143 SIGTERM, 129 SIGHUP) stopped by a signal.
)";

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

void explore_options(CLI::App& app, cli::ExploreArgs& a, cli::Unset& unset) {
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
  app.add_option("--order", a.order,
                 "dpor: the order of its branches: depth-first, or random (seeded by --seed; a search with a budget is not spent in the subtree of its first choices)")
      ->check(CLI::IsMember({"depth-first", "random"}))
      ->capture_default_str();
  app.add_option("--max-states", a.max_states, "states: remember at most this many states, then stop and say so (default: no limit)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  app.add_option("--bitstate", a.bitstate,
                 "states: keep each state as 3 bits of a table of 2^BITS bits (10 to 40), not whole: far less memory, but a state may be "
                 "taken for another; the report gives the chance, and never calls the search complete")
      ->check(CLI::Range(10u, 40u));
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

// A path an output is written to: an empty one would only fail later, after the search.
CLI::Validator path_named(const char* what, const char* kind) {
  return CLI::Validator([what](std::string& path) -> std::string { return path.empty() ? std::string("expected ") + what : std::string(); },
                        kind);
}

void html_option(CLI::App& app, cli::OutputArgs& o) {
  app.add_option("--html", o.html, "also write the report as one self-contained HTML page to this file (open it in a browser)")
      ->check(path_named("a file name", "PAGE"));
}

void report_options(CLI::App& app, cli::OutputArgs& o) {
  app.add_flag("--json", o.json, "print the results as JSON");
  app.add_option("--junit", o.junit, "also write a JUnit XML report to this file (one test case per scenario file)")
      ->check(path_named("a file name", "FILE"));
  html_option(app, o);
}

CLI::App* add_run(CLI::App& app, cli::RunArgs& run, cli::Style& style, cli::Unset& unset) {
  CLI::App* cmd = app.add_subcommand("run", "explore scenario files; print each failure's story and the command that replays it");
  cmd->add_option("FILE", run.files, "scenario files (.scn)")->required();
  explore_options(*cmd, run.explore, unset);
  cmd->add_flag("--keep-going", run.explore.keep_going, "collect every distinct finding instead of stopping at the first");
  CLI::Option* outputs = cmd->add_flag("--outputs", run.outputs, "list the different outputs the executions printed, with how often each came");
  cli::shard_option(*cmd, run.explore.shard)->excludes(outputs);
  report_options(*cmd, run.output);
  cmd->add_option("--output,-o", run.output.file, "write the report to this file instead of standard output (whole or not at all)");
  cmd->add_option("--trace-out", run.trace_out, "write each failure's schedule as Chrome trace-event JSON into this folder (open in ui.perfetto.dev)")
      ->check(path_named("a folder name", "DIR"));
  output_options(*cmd, run.output, style.color, style.no_timing);
  full_table_option(*cmd, run.output);
  cmd->footer(run_examples);
  return cmd;
}

CLI::App* add_replay(CLI::App& app, cli::ReplayArgs& replay, cli::Style& style) {
  CLI::App* cmd = app.add_subcommand("replay", "run one schedule of a scenario again, from its token, and print its story");
  cmd->add_option("FILE", replay.file, "the scenario file")->required();
  cmd->add_option("TOKEN", replay.token, "the replay token a run printed")->required();
  cmd->add_option("--max-steps", replay.max_steps, "the step limit the run used")->check(CLI::Range(1u, 100000000u))->capture_default_str();
  limit_options(*cmd, replay.limits);
  html_option(*cmd, replay.output);
  cmd->add_option("--trace-out", replay.trace_out, "write the failure's schedule as Chrome trace-event JSON to this file (open in ui.perfetto.dev)")
      ->check(path_named("a file name", "FILE"));
  output_options(*cmd, replay.output, style.color, style.no_timing);
  full_table_option(*cmd, replay.output);
  cmd->footer(replay_examples);
  return cmd;
}

CLI::App* add_check(CLI::App& app, cli::CheckArgs& check, cli::Style& style, cli::Unset& unset) {
  check.explore.default_iterations = 2000;
  check.explore.time_limit = 30;
  CLI::App* cmd = app.add_subcommand("check", "run every scenario under its 'expect' line and print a table of what was expected and found");
  cmd->add_option("PATH", check.paths, "scenario files, or directories to search for *.scn")->required();
  explore_options(*cmd, check.explore, unset);
  report_options(*cmd, check.output);
  output_options(*cmd, check.output, style.color, style.no_timing);
  cmd->footer(check_examples);
  return cmd;
}

const char* const merge_examples = R"(
Examples:
  interleave run scenarios/lost_update.scn --iterations 100000 --shard 0/2 --json -o shard-0.json
  interleave run scenarios/lost_update.scn --iterations 100000 --shard 1/2 --json -o shard-1.json
  interleave merge shard-0.json shard-1.json
  parallel interleave run scenarios/*.scn --shard {}/4 --json -o shard-{}.json ::: 0 1 2 3
  interleave merge shard-*.json --json -o report.json --junit report.xml

The shards of one search (the same files, strategy, seed, budget and flags, each K of 0..N-1
once) make the report one run of the whole search gives: its executions, findings with their
executions and tokens, and whether it is complete. One limit: a lock-order cycle (potential
deadlock) whose edges were seen in executions of different shards is found only by a whole run.
A shard's text report has stories; the merged report names each finding and its replay command
(replay shows the story). Exit status: as 'run' would give for the whole search; 2 for shard
reports that are not one search's, or not readable.
)";

CLI::App* add_merge(CLI::App& app, cli::MergeArgs& merge, cli::Style& style) {
  CLI::App* cmd = app.add_subcommand("merge", "combine the --json reports of a search's shards (run --shard K/N) into the whole search's report");
  cmd->add_option("REPORT", merge.files, "the shards' reports (run --shard K/N --json), one per shard")->required()->check(CLI::ExistingFile);
  cmd->add_flag("--json", merge.output.json, "print the merged report as JSON (the schema of run --json)");
  cmd->add_option("--output,-o", merge.output.file, "write the merged report to this file instead of standard output");
  cmd->add_option("--junit", merge.output.junit, "also write a JUnit XML report to this file (one test case per scenario file, as run writes it)")
      ->check(path_named("a file name", "FILE"));
  cmd->add_option("--color", style.color, "colour the output: auto (only on a terminal), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_flag("--no-timing", style.no_timing, "leave out wall times, so the output is the same byte for byte");
  cmd->footer(merge_examples);
  return cmd;
}

}  // namespace

namespace cli {

CommandLine::CommandLine()
    : app_("interleave: explores the interleavings of a concurrent scenario, finds races, deadlocks and broken\n"
           "assertions, and replays each one from a short token.") {
  app_.require_subcommand(1);
  app_.set_version_flag("--version,-V", std::string("interleave ") + version, "print the version (" + std::string(version) + ") and exit");
  app_.footer("\nRun 'interleave COMMAND --help' for a command's options and examples. The scenario language is\n"
              "described in docs/language.md.");
  run_cmd_ = add_run(app_, run_, run_style_, run_unset_);
  replay_cmd_ = add_replay(app_, replay_, replay_style_);
  check_cmd_ = add_check(app_, check_, check_style_, check_unset_);
  timeline_cmd_ = add_timeline_command(app_, timeline_);
  compare_cmd_ = add_compare_command(app_, compare_);
  merge_cmd_ = add_merge(app_, merge_, merge_style_);
  add_real_command(app_, real_);  // the one left when no other was chosen
}

void Style::apply(OutputArgs& o) const {
  static const std::map<std::string, Color> colors{{"auto", Color::Auto}, {"always", Color::Always}, {"never", Color::Never}};
  const auto it = colors.find(color);
  o.color = it == colors.end() ? Color::Auto : it->second;
  o.timing = !no_timing;
}

std::optional<int> CommandLine::parse(int argc, char** argv) {
  try {
    app_.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app_.exit(e);
    return code == 0 ? exit_ok : exit_usage;
  }
  for (auto [args, unset] : {std::pair{&run_.explore, &run_unset_}, std::pair{&check_.explore, &check_unset_}}) {
    if (unset->iterations > 0) args->iterations = unset->iterations;
    if (unset->preemptions >= 0) args->preemptions = static_cast<std::uint32_t>(unset->preemptions);
  }
  run_.explore.progress = !run_.output.quiet && !run_.output.json;
  run_style_.apply(run_.output);
  replay_style_.apply(replay_.output);
  check_style_.apply(check_.output);
  merge_style_.apply(merge_.output);
  return std::nullopt;
}

int CommandLine::run() const {
  if (*run_cmd_) return run_command(run_);
  if (*replay_cmd_) return replay_command(replay_);
  if (*check_cmd_) return check_command(check_);
  if (*timeline_cmd_) return timeline_command(timeline_);
  if (*compare_cmd_) return compare_command(compare_);
  if (*merge_cmd_) return merge_command(merge_);
  return real_command(real_);
}

}  // namespace cli
