// interleave run: explore each scenario, print a summary, and each failure's story and replay command.
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/cli.hpp"
#include "cli/junit.hpp"
#include "cli/pictures.hpp"
#include "cli/results.hpp"
#include "cli/stop.hpp"
#include "lang/outcome.hpp"

namespace cli {

namespace {

using nlohmann::ordered_json;

std::string summary(const std::string& file, const lang::Program& program, const sim::Report& r, const OutputArgs& output, bool color) {
  return summary_line(file, program.expects, r, output.timing, color);
}

// The different outputs, most frequent first: "  412 ×  1 | 2 | a | 3 | b | c".
std::string outputs(const lang::OutputTally& tally) {
  const auto seen = tally.sorted();
  std::uint64_t total = 0;
  for (const auto& [text, n] : seen) total += n;
  std::string out = fmt::format("Outputs: {} different in {} execution{} that ended normally (lines joined by ' | '):\n", seen.size(),
                                total, total == 1 ? "" : "s");
  for (const auto& [text, n] : seen) {
    std::string lines = text;
    if (!lines.empty() && lines.back() == '\n') lines.pop_back();
    for (std::size_t at = lines.find('\n'); at != std::string::npos; at = lines.find('\n', at)) lines.replace(at, 1, " | ");
    out += fmt::format("  {:>6} ×  {}\n", n, lines.empty() ? "(nothing printed)" : lines);
  }
  return out;
}

ordered_json json_outputs(const lang::OutputTally& tally) {
  ordered_json out = ordered_json::array();
  for (const auto& [text, n] : tally.sorted()) out.push_back({{"text", text}, {"count", n}});
  return out;
}

// One explored file's result in JSON, with what it printed when --outputs asks for it.
ordered_json file_json(const std::string& file, const lang::Program& program, const Explored& explored,
                       const lang::OutputTally& tally, const RunArgs& args) {
  ordered_json result = result_json(file, program, explored.report, args.explore, args.output.timing);
  if (args.outputs) result["outputs"] = json_outputs(tally);
  if (args.explore.shard) add_shard(result, explored, args.explore);
  return result;
}

// One explored file as text: its summary, what it printed (--outputs) and each failure's story
// (under --quiet, each failure's replay command, which holds its token).
std::string file_text(const std::string& file, const lang::Program& program, const sim::Report& r,
                      const lang::OutputTally& tally, const RunArgs& args, bool color, bool last) {
  std::string out = summary(file, program, r, args.output, color);
  if (args.outputs) out += outputs(tally);
  if (args.output.quiet) return out + token_lines(r, file, args.explore);
  out += stories(r, file, args.explore.max_steps, color, args.explore.limits, args.output.full_table);
  if (!last) out += "\n";
  return out;
}

// The report as it grows: text or JSON results, JUnit cases, and the status so far.
struct RunState {
  const RunArgs& args;
  bool color = false;
  int status = exit_ok;
  ordered_json results = ordered_json::array();
  std::vector<JunitCase> cases;
  std::vector<std::string> not_run;
  std::string saved;  // with --output: the whole report, written at the end
  HtmlPage page;      // with --html
  TraceFolder traces{args.trace_out};

  void emit(const std::string& text) {
    if (!args.output.file.empty()) {
      saved += text;
      return;
    }
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
  }
  void add(const std::string& file, const lang::Program& program, const Explored& explored, const lang::OutputTally& tally) {
    const sim::Report& r = explored.report;
    if (!r.ok() && status != exit_usage) status = exit_failure;
    if (r.ok() && r.time_limit_reached && status == exit_ok) status = exit_time_limit;
    if (!args.output.junit.empty()) cases.push_back(run_case(file, r, args.explore, summary(file, program, r, args.output, false)));
    if (!args.output.html.empty()) page.add(file, r, replay_hint(file, args.explore.max_steps, args.explore.limits));
    if (args.output.json) {
      results.push_back(file_json(file, program, explored, tally, args));
    } else {
      emit(file_text(file, program, r, tally, args, color, &file == &args.files.back()));
    }
  }
  // Explores one file; false when the strategy is not available (nothing more can run) or a trace
  // could not be written (the diagnostic is printed).
  bool explore_file(const std::string& file) {
    std::string diagnostic;
    const std::optional<lang::Loaded> loaded = load(file, use_color(args.output.color, 2), args.explore.limits, &diagnostic);
    if (!loaded) {
      status = exit_usage;
      cases.push_back(error_case(file, "bad-input", diagnostic));
      return true;
    }
    lang::OutputTally tally;
    lang::InterpreterOptions options = interpreter_options(args.explore.limits);
    if (args.outputs) {
      options.capture_output = true;
      options.tally = &tally;
    }
    const Explored explored = explore(lang::make_body(loaded->program, options), args.explore);
    if (!explored.error.empty()) {
      std::fprintf(stderr, "interleave: error: %s\n", explored.error.c_str());
      return false;
    }
    // Each failure's trace is written as soon as its file is explored: an interrupted run keeps them.
    if (!args.trace_out.empty()) {
      const std::string hint = replay_hint(file, args.explore.max_steps, args.explore.limits);
      if (const std::string error = traces.add(file, explored.report, hint); !error.empty()) {
        std::fprintf(stderr, "interleave: error: %s\n", error.c_str());
        return false;
      }
    }
    add(file, *loaded->program, explored, tally);
    return true;
  }
  // The end of the report, then the files: false if one could not be written.
  bool finish() {
    if (args.output.json) {
      emit(results_document(std::move(results), not_run));
    } else if (!not_run.empty()) {
      emit(fmt::format("\ninterrupted: {} file{} not run: {}\n", not_run.size(), not_run.size() == 1 ? "" : "s", lang::join(not_run)));
    }
    for (const std::string& file : not_run) cases.push_back(error_case(file, "not-run", fmt::format("not run: {} stopped the command first", stop_signal_name())));
    std::string error;
    if (!args.output.file.empty()) error = write_file(args.output.file, saved);
    if (error.empty() && !args.output.junit.empty()) {
      error = write_file(args.output.junit, junit_xml("interleave run", cases, args.output.timing));
      if (!error.empty()) error = "--junit: " + error;
    }
    if (error.empty() && !args.output.html.empty()) error = page.write(args.output.html, args.output.timing);
    if (error.empty()) return true;
    std::fprintf(stderr, "interleave: error: %s\n", error.c_str());
    return false;
  }
};

}  // namespace

int run_command(const RunArgs& args) {
  RunState state{.args = args};
  state.color = !args.output.json && (args.output.file.empty() ? use_color(args.output.color, 1) : args.output.color == Color::Always);
  // A stop signal (Ctrl-C, SIGTERM, SIGHUP) ends the search, not the process: the file being
  // explored reports what it found so far (every failure with its token), the files after it are
  // listed as not run.
  if (!args.trace_out.empty()) {
    if (const std::string error = state.traces.prepare(); !error.empty()) {
      std::fprintf(stderr, "interleave: error: %s\n", error.c_str());
      return exit_usage;
    }
  }
  const StopOnSignals stop;
  for (const std::string& file : args.files) {
    if (stopped()) {
      state.not_run.push_back(file);
    } else if (!state.explore_file(file)) {
      return exit_usage;
    }
  }
  return state.finish() ? state.status : exit_usage;
}

}  // namespace cli
