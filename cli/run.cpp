// interleave run: explore each scenario, print a summary, and each failure's story and replay command.
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/cli.hpp"
#include "lang/outcome.hpp"
#include "sim/explore/progress.hpp"

namespace cli {

namespace {

using nlohmann::ordered_json;

ordered_json json_step(const sim::History& h, const sim::HistoryStep& s) {
  ordered_json j{{"step", sim::index(s.step)}, {"task", h.task_name(s.task)}, {"op", std::string(to_string(s.kind))}};
  if (s.object != sim::no_object) j["object"] = h.object_name(s.object);
  if (!s.value.empty()) j["value"] = s.value;
  j["where"] = to_string(s.where);
  return j;
}

ordered_json json_failure(const sim::Failure& f, const std::string& file, const ExploreArgs& args) {
  ordered_json steps = ordered_json::array();
  for (const sim::HistoryStep& s : f.history.steps) steps.push_back(json_step(f.history, s));
  return {{"kind", lang::outcome_name(f.kind)},
          {"name", std::string(to_string(f.kind))},
          {"message", f.message},
          {"details", f.details},
          {"where", to_string(f.where)},
          {"task", f.task_name},
          {"execution", f.execution},
          {"token", f.token},
          {"replay", replay_command_line(file, f.token, args.max_steps, args.limits)},
          {"output", printed(f)},
          {"steps", std::move(steps)}};
}

ordered_json json_result(const std::string& file, const lang::Program& program, const sim::Report& r, const RunArgs& args) {
  const std::vector<std::string> found = lang::outcomes_of(r);
  ordered_json j{{"file", file},
                 {"expected", program.expects},
                 {"outcomes", found},
                 {"as_expected", found == lang::normalise(program.expects)},
                 {"executions", r.executions},
                 {"strategy", r.strategy},
                 {"complete", r.complete},
                 {"interrupted", r.interrupted}};
  if (args.output.timing) j["seconds"] = six_decimals(r.seconds);
  ordered_json failures = ordered_json::array();
  for (const sim::Failure& f : r.failures) failures.push_back(json_failure(f, file, args.explore));
  j["failures"] = std::move(failures);
  return j;
}

std::string summary(const std::string& file, const lang::Program& program, const sim::Report& r, const OutputArgs& output, bool color) {
  const std::vector<std::string> found = lang::outcomes_of(r);
  std::string line = file + ": ";
  line += r.ok() ? paint("no failure", "1;32", color) : paint(lang::join(found), "1;31", color);
  line += fmt::format(" in {} execution{}", r.executions, r.executions == 1 ? "" : "s");
  if (output.timing) line += fmt::format(", {:.3f} s", r.seconds);
  line += " [" + r.strategy + "]";
  if (r.complete) line += " — search complete";
  if (r.interrupted) line += " — interrupted";
  if (!program.expects.empty()) {
    const std::vector<std::string> expected = lang::normalise(program.expects);
    line += expected == found ? " (as expected)" : " (expected " + lang::join(expected) + ")";
  }
  return line + "\n";
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

}  // namespace

int run_command(const RunArgs& args) {
  const bool color = !args.output.json && (args.output.file.empty() ? use_color(args.output.color, 1) : args.output.color == Color::Always);
  const bool color_err = use_color(args.output.color, 2);
  int status = exit_ok;
  ordered_json results = ordered_json::array();
  // Ctrl-C ends the search, not the process: the file being explored reports what it found so
  // far (every failure with its token), the files after it are listed as not run.
  const sim::SigintStop sigint;
  std::vector<std::string> not_run;
  std::string saved;  // with --output: the whole report, written at the end
  auto emit = [&](const std::string& text) {
    if (args.output.file.empty()) {
      std::fputs(text.c_str(), stdout);
      std::fflush(stdout);
    } else {
      saved += text;
    }
  };
  for (const std::string& file : args.files) {
    if (sim::SigintStop::flag().load()) {
      not_run.push_back(file);
      continue;
    }
    const std::optional<lang::Loaded> loaded = load(file, color_err, args.explore.limits);
    if (!loaded) {
      status = exit_usage;
      continue;
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
      return exit_usage;
    }
    const sim::Report& r = explored.report;
    if (!r.ok() && status == exit_ok) status = exit_failure;
    if (args.output.json) {
      ordered_json result = json_result(file, *loaded->program, r, args);
      if (args.outputs) result["outputs"] = json_outputs(tally);
      results.push_back(std::move(result));
      continue;
    }
    std::string out = summary(file, *loaded->program, r, args.output, color);
    if (args.outputs) out += outputs(tally);
    if (!args.output.quiet) out += stories(r, file, args.explore.max_steps, color, args.explore.limits, args.output.full_table);
    if (!args.output.quiet && &file != &args.files.back()) out += "\n";
    emit(out);
  }
  const bool interrupted = sim::SigintStop::flag().load();
  if (args.output.json) {
    emit(json_text({{"version", 1}, {"results", std::move(results)}, {"interrupted", interrupted}, {"not_run", not_run}}) + "\n");
  } else if (!not_run.empty()) {
    emit(fmt::format("\ninterrupted: {} file{} not run: {}\n", not_run.size(), not_run.size() == 1 ? "" : "s", lang::join(not_run)));
  }
  if (!args.output.file.empty()) {
    if (const std::string error = write_file(args.output.file, saved); !error.empty()) {
      std::fprintf(stderr, "interleave: error: %s\n", error.c_str());
      return exit_usage;
    }
  }
  return status;
}

}  // namespace cli
