// interleave real: a scenario on real OS threads, many runs, outcomes counted, next to what the
// simulation finds.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/report_json.hpp"
#include "cli/commands.hpp"
#include "cli/stop.hpp"
#include "cli/flags.hpp"
#include "lang/outcome.hpp"
#include "lang/real/real_runner.hpp"
#include "sim/explore/progress.hpp"

namespace cli {

namespace {

const char* const real_examples = R"(
Examples:
  interleave real scenarios/bank_race.scn --runs 10000
  interleave real scenarios/bank_race.scn --runs 10000 --noise
  interleave real scenarios/bank_locked.scn --runs 10000 --noise --json
  interleave real scenarios/lost_update.scn --runs 100 --timeline runs.json   (open in Perfetto)

Each scenario thread runs on an OS thread, and so does each worker of a thread pool; shared
variables are real memory, mutexes, conditions, channels, futures and the rest of the toolbox
block in the OS, sleep and compute take real time. The threads of a run start together. A deadlock is reported as soon as every thread waits for
another; a run that does not end within --stall-seconds is stopped and counted as a stall.
Exit status: 0 no run failed, 1 some run failed, 2 bad input or usage.
)";

// What a kind of ending is called in the summary line: an assertion's message, else its kind.
std::string called(const std::string& kind, const std::string& message) { return kind == "assertion" ? message : kind; }

// What the failed runs have in common, for the summary line.
std::string what_failed(const lang::RealRunReport& r) {
  if (r.outcomes.size() == 1) return called(r.outcomes.front().kind, r.outcomes.front().message);
  return r.outcomes.empty() ? "a failure" : "a failure (" + std::to_string(r.outcomes.size()) + " kinds)";
}

// "simulation: overdraft found at execution 2": the simulation's finding that matches the real
// runs' commonest ending, else its first fatal one, else its first.
std::string simulated(const sim::Report& s, const lang::RealRunReport& r) {
  const lang::RealOutcome* top = nullptr;
  for (const lang::RealOutcome& o : r.outcomes) {
    if (top == nullptr || o.runs > top->runs) top = &o;
  }
  const sim::Failure* pick = s.failures.empty() ? nullptr : &s.failures.front();
  for (const sim::Failure& f : s.failures) {
    if (sim::is_fatal(f.kind) && !sim::is_fatal(pick->kind)) pick = &f;
  }
  for (const sim::Failure& f : s.failures) {
    if (top != nullptr && called(top->kind, top->message) == called(lang::outcome_name(f.kind), f.message)) {
      pick = &f;
      break;
    }
  }
  if (pick == nullptr) return "simulation: no failure in " + sim::with_commas(s.executions) + " executions" + (s.complete ? " (search complete)" : "");
  return "simulation: " + called(lang::outcome_name(pick->kind), pick->message) + " found at execution " + sim::with_commas(pick->execution);
}

using nlohmann::ordered_json;

ordered_json json_outcomes(const lang::RealRunReport& r) {
  ordered_json out = ordered_json::array();
  // Outcomes in the words of a scenario's expect line (and "stall"): "kind" is kept for finding kinds.
  out.push_back({{"outcome", "ok"}, {"runs", r.totals.runs - r.totals.failed}});
  for (const lang::RealOutcome& o : r.outcomes) {
    out.push_back({{"outcome", o.kind},
                   {"message", o.message},
                   {"where", o.where},
                   {"thread", o.thread},
                   {"details", o.details},
                   {"runs", o.runs},
                   {"first_run", o.first_run}});
  }
  return out;
}

ordered_json json_simulation(const sim::Report& s) {
  const sim::Failure* f = s.failures.empty() ? nullptr : &s.failures.front();
  return {{"strategy", s.strategy},
          {"executions", s.executions},
          {"complete", s.complete},
          {"first_finding", f != nullptr ? ordered_json(f->message) : ordered_json(nullptr)},
          {"at_execution", f != nullptr ? ordered_json(f->execution) : ordered_json(nullptr)}};
}

std::string json_report(const RealArgs& args, const lang::Program& p, const lang::RealRunReport& r, const sim::Report* s, const std::string& line) {
  const sim::RealReport& t = r.totals;
  bool stalled = false;
  for (const lang::RealOutcome& o : r.outcomes) stalled = stalled || o.kind == "stall";
  ordered_json j{{"version", checker::json_version},
                 {"file", args.file},
                 {"threads", p.threads.size()},
                 {"pool_workers", lang::pool_workers(p).size()},
                 {"runs", t.runs},
                 {"noise", args.noise},
                 {"seed", args.seed},
                 {"failed", t.failed},
                 {"rate", six_decimals(t.rate())},
                 {"rate_low", six_decimals(t.rate_low())},
                 {"rate_high", six_decimals(t.rate_high())},
                 {"stalled", stalled},
                 {"abandoned", r.abandoned},
                 {"interrupted", r.interrupted}};
  if (!args.no_timing) {
    j["seconds"] = six_decimals(t.seconds);
    j["ms_per_run"] = six_decimals(t.runs == 0 ? 0.0 : t.seconds * 1000 / static_cast<double>(t.runs));
  }
  j["outcomes"] = json_outcomes(r);
  if (s != nullptr) j["simulation"] = json_simulation(*s);
  j["summary"] = line;
  return checker::json_text(j) + "\n";
}

std::string text_report(const RealArgs& args, const lang::Program& p, const lang::RealRunReport& r, const std::string& line) {
  const sim::RealReport& t = r.totals;
  const std::size_t workers = lang::pool_workers(p).size();
  std::string out = fmt::format("{}: {} run{} on real threads, {} thread{}{} each, {}", args.file, sim::with_commas(t.runs), t.runs == 1 ? "" : "s",
                                p.threads.size(), p.threads.size() == 1 ? "" : "s",
                                workers == 0 ? "" : fmt::format(" and {} pool worker{}", workers, workers == 1 ? "" : "s"),
                                args.noise ? fmt::format("with noise (seed {})", args.seed) : std::string("no noise"));
  if (!args.no_timing) out += fmt::format(", {:.3f} s", t.seconds);
  out += fmt::format("\n  {:<12} {:>10}\n", "ok", sim::with_commas(t.runs - t.failed));
  for (const lang::RealOutcome& o : r.outcomes) {
    std::string where = o.where.empty() ? "" : " at " + o.where;
    if (!o.thread.empty()) where += (where.empty() ? " in " : ", in ") + o.thread;
    out += fmt::format("  {:<12} {:>10}  {} ({}first in run {})\n", o.kind, sim::with_commas(o.runs), o.message, where.empty() ? "" : where.substr(1) + "; ",
                       sim::with_commas(o.first_run));
    for (const std::string& d : o.details) out += "      " + d + "\n";
  }
  if (r.abandoned) out += "the last run's threads did not stop when told (a loop that takes no step?): the runs ended there\n";
  if (r.interrupted) out += fmt::format("interrupted: {} of {} runs made\n", sim::with_commas(t.runs), sim::with_commas(args.runs));
  return out + line + "\n";
}

}  // namespace

CLI::App* add_real_command(CLI::App& app, RealArgs& args) {
  CLI::App* cmd = app.add_subcommand("real", "run a scenario many times on real OS threads and count how each run ended, next to what the simulation finds");
  cmd->add_option("FILE", args.file, "the scenario file")->required();
  cmd->add_option("--runs,-n", args.runs, "how many runs")->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000'000}))->capture_default_str();
  cmd->add_flag("--noise", args.noise, "a seeded random yield or short sleep at each shared access, to widen race windows");
  seed_option(*cmd, "--seed", args.seed, "seed of the noise");
  duration_option(*cmd, "--stall-seconds", args.stall_seconds, "a run that takes longer is stopped and counted as a stall", Unit::Seconds,
                  {.low = 0.001, .high = 86400});
  cmd->add_option("--timeline", args.timeline, "write each run's thread start and end times as Chrome trace-event JSON (Perfetto)");
  cmd->add_flag("--json", args.json, "print the results as JSON");
  cmd->add_flag("--no-timing", args.no_timing, "leave out wall times");
  cmd->add_flag("--no-simulation", args.no_simulation, "do not explore the scenario for the side-by-side line");
  cmd->footer(real_examples);
  return cmd;
}

int real_command(const RealArgs& args) {
  const std::optional<lang::Loaded> loaded = load(args.file, use_color(Color::Auto, 2));
  if (!loaded) return exit_usage;
  const lang::Program& program = *loaded->program;
  if (const std::optional<lang::Diagnostic> refused = lang::refused_on_real_threads(program)) {
    std::fputs(refused->render(use_color(Color::Auto, 2)).c_str(), stderr);
    return exit_usage;
  }
  if (!args.timeline.empty()) {
    const std::filesystem::path parent = std::filesystem::absolute(args.timeline).parent_path();
    std::error_code ec;
    if (!std::filesystem::is_directory(parent, ec)) {
      std::fprintf(stderr, "interleave: error: --timeline %s: no such directory %s\n", args.timeline.c_str(), parent.string().c_str());
      return exit_usage;
    }
  }
  if (program.module.machine.present) {
    std::fprintf(stderr, "interleave: note: the machine line describes the model (interleave timeline); real runs use this machine's %u CPUs and no GIL\n",
                 std::max(1u, std::thread::hardware_concurrency()));
  }
  // A stop signal (Ctrl-C, SIGTERM, SIGHUP) ends the runs, not the process: the runs so far are counted and reported.
  const StopOnSignals stop;
  const lang::RealRunOptions options{.runs = args.runs,
                                     .noise = args.noise ? lang::RealBackend::Noise::Yields : lang::RealBackend::Noise::None,
                                     .seed = args.seed,
                                     .stall_seconds = args.stall_seconds,
                                     .record_timeline = !args.timeline.empty(),
                                     .cancel = &sim::SigintStop::flag()};
  const lang::RealRunReport report = lang::run_real_threads(loaded->program, options);
  std::optional<Explored> explored;
  if (!args.no_simulation && !report.interrupted) explored = explore(lang::make_body(loaded->program, interpreter_options()), ExploreArgs{});
  const sim::Report* sim_report = explored && explored->error.empty() ? &explored->report : nullptr;
  std::string line = "real threads: " + sim::summary(report.totals, what_failed(report), !args.no_timing ? sim::WallTime::Show : sim::WallTime::Hide);
  if (sim_report != nullptr) line += "; " + simulated(*sim_report, report);
  const std::string out = args.json ? json_report(args, program, report, sim_report, line) : text_report(args, program, report, line);
  std::fputs(out.c_str(), stdout);
  int status = report.totals.failed > 0 ? exit_failure : exit_ok;
  if (!args.timeline.empty()) {
    std::string error;
    if (!sim::write_trace(sim::to_trace_json(report.timeline), args.timeline, error)) {
      std::fprintf(stderr, "interleave: error: %s\n", error.c_str());
      status = exit_usage;
    } else if (!args.json) {
      std::printf("trace written to %s (open it in https://ui.perfetto.dev or chrome://tracing)\n", args.timeline.c_str());
    }
  }
  if (report.abandoned) {
    // Threads of the abandoned run still hold its state: end without running destructors under them.
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(status);
  }
  return status;
}

}  // namespace cli
