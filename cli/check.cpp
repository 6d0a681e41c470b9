// interleave check: run every scenario under its `expect` line and print a table of what it showed.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "cli/cli.hpp"
#include "lang/outcome.hpp"
#include "sim/explore/progress.hpp"

namespace cli {

namespace {

struct Row {
  std::string file;
  std::string expected;
  std::string got;
  std::uint64_t executions = 0;
  double seconds = 0;
  enum class Verdict : std::uint8_t { Pass, Mismatch, Error } verdict = Verdict::Pass;
  std::string notes;  // for a mismatch: the findings nobody expected, with their replay commands
};

// The scenario files under `paths`: files as given, directories searched for *.scn, sorted.
std::vector<std::string> scenario_files(const std::vector<std::string>& paths, bool& missing) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec)) {
      files.push_back(path);  // a missing or unreadable file is reported when it is loaded
      continue;
    }
    std::vector<std::string> found;
    for (auto it = std::filesystem::recursive_directory_iterator(path, ec); !ec && it != std::filesystem::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->is_regular_file(ec) && it->path().extension() == ".scn") found.push_back(it->path().generic_string());
    }
    if (found.empty()) {
      std::fprintf(stderr, "interleave: error: no .scn files under %s\n", path.c_str());
      missing = true;
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

Row check_one(const std::string& file, const CheckArgs& args, bool color_err, std::string& error) {
  Row row;
  row.file = file;
  const std::optional<lang::Loaded> loaded = load(file, color_err, args.explore.limits);
  if (!loaded) {
    row.verdict = Row::Verdict::Error;
    row.expected = "?";
    row.got = "error";
    return row;
  }
  const std::vector<std::string> expected = lang::normalise(loaded->program->expects);
  row.expected = lang::join(expected);
  ExploreArgs budget = args.explore;
  budget.keep_going = true;  // every kind of finding, not only the first
  const Explored explored = explore(lang::make_body(loaded->program, interpreter_options(args.explore.limits)), budget);
  if (!explored.error.empty()) {
    error = explored.error;
    return row;
  }
  const sim::Report& r = explored.report;
  const std::vector<std::string> found = lang::outcomes_of(r);
  row.got = lang::join(found);
  row.executions = r.executions;
  row.seconds = r.seconds;
  if (r.interrupted) row.got += " (interrupted)";
  if (r.time_limit_reached) row.got += " (time limit reached)";
  if (found == expected) return row;
  row.verdict = Row::Verdict::Mismatch;
  for (const sim::Failure& f : r.failures) {
    const std::string name = lang::outcome_name(f.kind);
    if (std::find(expected.begin(), expected.end(), name) != expected.end()) continue;
    row.notes += fmt::format("  {}: unexpected {}: {} (at {})\n    replay: {}\n", file, name, f.message, to_string(f.where),
                             replay_command_line(file, f.token, args.explore.max_steps, args.explore.limits));
  }
  for (const std::string& name : expected) {
    if (name == "ok" || std::find(found.begin(), found.end(), name) != found.end()) continue;
    row.notes += fmt::format("  {}: expected {}, but no execution of {} showed it\n", file, name, r.executions);
  }
  return row;
}

}  // namespace

int check_command(const CheckArgs& args) {
  const bool color = use_color(args.output.color, 1);
  const bool color_err = use_color(args.output.color, 2);
  bool missing = false;
  const std::vector<std::string> files = scenario_files(args.paths, missing);
  std::vector<Row> rows;
  std::string error;
  // Ctrl-C ends the search, not the process: the table shows the files checked so far.
  const sim::SigintStop sigint;
  std::size_t not_run = 0;
  for (const std::string& file : files) {
    if (sim::SigintStop::flag().load()) {
      ++not_run;
      continue;
    }
    rows.push_back(check_one(file, args, color_err, error));
    if (!error.empty()) {
      std::fprintf(stderr, "interleave: error: %s\n", error.c_str());
      return exit_usage;
    }
  }
  std::size_t file_w = 4, expected_w = 8, got_w = 3;
  for (const Row& r : rows) {
    file_w = std::max(file_w, r.file.size());
    expected_w = std::max(expected_w, r.expected.size());
    got_w = std::max(got_w, r.got.size());
  }
  std::string out = fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>10}", "file", file_w, "expected", expected_w, "got", got_w, "executions");
  if (args.output.timing) out += fmt::format("  {:>8}", "time");
  out += "  result\n";
  std::size_t passed = 0, mismatched = 0, errors = 0;
  std::string notes;
  for (const Row& r : rows) {
    out += fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>10}", r.file, file_w, r.expected, expected_w, r.got, got_w, r.executions);
    if (args.output.timing) out += fmt::format("  {:>6.2f} s", r.seconds);
    switch (r.verdict) {
      case Row::Verdict::Pass: out += "  " + paint("ok", "1;32", color); ++passed; break;
      case Row::Verdict::Mismatch: out += "  " + paint("MISMATCH", "1;31", color); ++mismatched; break;
      case Row::Verdict::Error: out += "  " + paint("ERROR", "1;31", color); ++errors; break;
    }
    out += "\n";
    notes += r.notes;
  }
  out += fmt::format("\n{} scenario{}: {} as expected", rows.size(), rows.size() == 1 ? "" : "s", passed);
  if (mismatched > 0) out += fmt::format(", {} not as expected", mismatched);
  if (errors > 0) out += fmt::format(", {} with errors", errors);
  if (sim::SigintStop::flag().load()) out += fmt::format("; interrupted, {} not run", not_run);
  out += "\n";
  if (!notes.empty()) out += "\nNot as expected:\n" + notes;
  if (!args.output.quiet || mismatched + errors > 0) std::fputs(out.c_str(), stdout);
  if (errors > 0 || missing || rows.empty()) return exit_usage;
  return mismatched > 0 ? exit_failure : exit_ok;
}

}  // namespace cli
