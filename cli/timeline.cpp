// interleave timeline: one timing run of a scenario on its machine model, as a swimlane chart.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.hpp"
#include "cli/flags.hpp"
#include "sim/time/timeline.hpp"

namespace cli {

namespace {

const char* const timeline_examples = R"(
Examples:
  interleave timeline scenarios/timing/count_threads.scn
  interleave timeline scenarios/timing/count_threads.scn --cores 4
  interleave timeline scenarios/timing/sleep_async.scn --trace-out sleep.json   (open in Perfetto)

The machine comes from the scenario's 'machine cores=N quantum=D gil' line (default: 1 core,
quantum 10ms, no GIL); --cores, --quantum-ms and --gil override it.
Exit status: 0 the run ended normally, 1 it stopped on a failure, 2 bad input or usage.
)";

}  // namespace

sim::MachineModel machine_of(const lang::Program& program, const TimingOverrides& o) {
  const lang::MachineDecl& m = program.module.machine;
  sim::MachineModel model;
  model.cores = static_cast<std::uint32_t>(o.cores > 0 ? o.cores : m.cores);
  model.quantum = sim::Duration(o.quantum_ms > 0 ? static_cast<std::int64_t>(o.quantum_ms * 1e6) : m.quantum);
  model.gil = (o.gil || m.gil) && !o.no_gil ? sim::MachineModel::Gil::PerProcess : sim::MachineModel::Gil::None;
  return model;
}

void timing_overrides(CLI::App& cmd, TimingOverrides& o) {
  cmd.add_option("--cores", o.cores, "the number of cores (instead of the scenario's machine line)")->check(CLI::Range(1u, 256u));
  duration_option(cmd, "--quantum-ms", o.quantum_ms, "the time slice in milliseconds (instead of the scenario's)", Unit::Milliseconds,
                  {.low = 0.001, .high = 3'600'000});
  cmd.add_flag("--gil", o.gil, "a GIL per process, as if the machine line said 'gil'");
  cmd.add_flag("--no-gil", o.no_gil, "no GIL, whatever the machine line says");
}

CLI::App* add_timeline_command(CLI::App& app, TimelineArgs& args) {
  CLI::App* cmd = app.add_subcommand("timeline", "run a scenario once on its machine model (cores, time slices, a GIL) and chart who ran where and when");
  cmd->add_option("FILE", args.file, "the scenario file")->required();
  cmd->add_option("--trace-out", args.trace_out, "also write the timeline as Chrome trace-event JSON (Perfetto, chrome://tracing)");
  cmd->add_option("--width", args.width, "columns of the chart")->check(CLI::Range(8u, 1000u))->capture_default_str();
  timing_overrides(*cmd, args.machine);
  cmd->footer(timeline_examples);
  return cmd;
}

int timeline_command(const TimelineArgs& args) {
  const std::optional<lang::Loaded> loaded = load(args.file, use_color(Color::Auto, 2));
  if (!loaded) return exit_usage;
  sim::TimelineOptions options{.machine = machine_of(*loaded->program, args.machine)};
  options.stack_size = interpreter_options().stack_size;
  const sim::TimelineReport report = sim::timeline(lang::make_body(loaded->program, interpreter_options()), options);
  std::string out = args.file + ": " + sim::to_text(report, {.width = args.width});
  std::fputs(out.c_str(), stdout);
  if (!args.trace_out.empty()) {
    std::string error;
    if (!sim::write_trace(sim::to_trace_json(report), args.trace_out, error)) {
      std::fprintf(stderr, "interleave: error: %s\n", error.c_str());
      return exit_usage;
    }
    std::printf("trace written to %s (open it in https://ui.perfetto.dev or chrome://tracing)\n", args.trace_out.c_str());
  }
  return report.failure ? exit_failure : exit_ok;
}

}  // namespace cli
