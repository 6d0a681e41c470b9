// interleave run: explore each scenario, print a summary, and each failure's story and replay command.
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/report_json.hpp"
#include "cli/cli.hpp"
#include "lang/outcome.hpp"
#include "sim/explore/progress.hpp"

namespace cli {

namespace {

using nlohmann::ordered_json;

// A report in the one JSON schema (checker/report_json.hpp), with what the command adds: the file
// and its expect line, and for each failure the command that replays it and what it printed.
ordered_json json_result(const std::string& file, const lang::Program& program, const sim::Report& r, const RunArgs& args) {
  const std::vector<std::string> found = lang::outcomes_of(r);
  ordered_json j{{"file", file},
                 {"expected", program.expects},
                 {"outcomes", found},
                 {"as_expected", found == lang::normalise(program.expects)}};
  j.update(checker::report_value(r, {.timing = args.output.timing}));
  ordered_json& failures = j["failures"];
  for (std::size_t i = 0; i < r.failures.size(); ++i) {
    const sim::Failure& f = r.failures[i];
    failures[i]["replay"] = replay_command_line(file, f.token, args.explore.max_steps, args.explore.limits);
    failures[i]["output"] = printed(f);
  }
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
  if (r.time_limit_reached) line += " — time limit reached";
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

// One explored file's result in JSON, with what it printed when --outputs asks for it.
ordered_json file_json(const std::string& file, const lang::Program& program, const sim::Report& r,
                       const lang::OutputTally& tally, const RunArgs& args) {
  ordered_json result = json_result(file, program, r, args);
  if (args.outputs) result["outputs"] = json_outputs(tally);
  return result;
}

// One explored file as text: its summary, what it printed (--outputs) and each failure's story.
std::string file_text(const std::string& file, const lang::Program& program, const sim::Report& r,
                      const lang::OutputTally& tally, const RunArgs& args, bool color, bool last) {
  std::string out = summary(file, program, r, args.output, color);
  if (args.outputs) out += outputs(tally);
  if (!args.output.quiet) out += stories(r, file, args.explore.max_steps, color, args.explore.limits, args.output.full_table);
  if (!args.output.quiet && !last) out += "\n";
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
      results.push_back(file_json(file, *loaded->program, r, tally, args));
    } else {
      emit(file_text(file, *loaded->program, r, tally, args, color, &file == &args.files.back()));
    }
  }
  const bool interrupted = sim::SigintStop::flag().load();
  if (args.output.json) {
    emit(checker::json_text({{"version", checker::json_version}, {"results", std::move(results)}, {"interrupted", interrupted}, {"not_run", not_run}}) + "\n");
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
