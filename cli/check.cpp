// interleave check: run every scenario under its `expect` line and print a table of what it showed
// (or JSON), and a JUnit report with --junit.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "cli/cli.hpp"
#include "cli/junit.hpp"
#include "cli/pictures.hpp"
#include "cli/results.hpp"
#include "cli/stop.hpp"
#include "lang/outcome.hpp"

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
  std::string diagnostic;                         // Error: why the file did not load
  std::shared_ptr<const lang::Program> program;   // null when it did not load
  std::optional<sim::Report> report;              // kept for --json, --junit and --html
  bool timed_out = false;                         // the time limit ended its search
};

const char* verdict_name(Row::Verdict v) {
  switch (v) {
    case Row::Verdict::Pass: return "pass";
    case Row::Verdict::Mismatch: return "mismatch";
    case Row::Verdict::Error: return "error";
  }
  return "";
}

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

bool expected_kind(const std::vector<std::string>& expected, const sim::Failure& f) {
  return std::find(expected.begin(), expected.end(), lang::outcome_name(f.kind)) != expected.end();
}

// A mismatch's notes: each unexpected finding with its replay command, each expected kind not seen.
std::string mismatch_notes(const std::string& file, const sim::Report& r, const std::vector<std::string>& expected,
                           const std::vector<std::string>& found, const ExploreArgs& explore) {
  std::string notes;
  for (const sim::Failure& f : r.failures) {
    if (expected_kind(expected, f)) continue;
    notes += fmt::format("  {}: unexpected {}: {} (at {})\n    replay: {}\n", file, lang::outcome_name(f.kind), f.message, to_string(f.where),
                         replay_command_line(file, f.token, explore.max_steps, explore.limits));
  }
  for (const std::string& name : expected) {
    if (name == "ok" || std::find(found.begin(), found.end(), name) != found.end()) continue;
    notes += fmt::format("  {}: expected {}, but no execution of {} showed it\n", file, name, r.executions);
  }
  return notes;
}

Row check_one(const std::string& file, const CheckArgs& args, bool color_err, std::string& error) {
  Row row;
  row.file = file;
  const std::optional<lang::Loaded> loaded = load(file, color_err, args.explore.limits, &row.diagnostic);
  if (!loaded) {
    row.verdict = Row::Verdict::Error;
    row.expected = "?";
    row.got = "error";
    return row;
  }
  row.program = loaded->program;
  const std::vector<std::string> expected = lang::normalise(loaded->program->expects);
  row.expected = lang::join(expected);
  ExploreArgs budget = args.explore;
  budget.keep_going = true;  // every kind of finding, not only the first
  Explored explored = explore(lang::make_body(loaded->program, interpreter_options(args.explore.limits)), budget);
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
  row.timed_out = r.time_limit_reached;
  if (found != expected) {
    row.verdict = Row::Verdict::Mismatch;
    row.notes = mismatch_notes(file, r, expected, found, args.explore);
  }
  if (args.output.json || !args.output.junit.empty() || !args.output.html.empty()) row.report = std::move(explored.report);
  return row;
}

struct Counts {
  std::size_t passed = 0, mismatched = 0, errors = 0, timed_out = 0;
};

Counts count(const std::vector<Row>& rows) {
  Counts c;
  for (const Row& r : rows) {
    c.passed += r.verdict == Row::Verdict::Pass;
    c.mismatched += r.verdict == Row::Verdict::Mismatch;
    c.errors += r.verdict == Row::Verdict::Error;
    c.timed_out += r.timed_out;
  }
  return c;
}

std::string table(const std::vector<Row>& rows, const OutputArgs& output, std::size_t not_run) {
  const bool color = use_color(output.color, 1);
  std::size_t file_w = 4, expected_w = 8, got_w = 3;
  for (const Row& r : rows) {
    file_w = std::max(file_w, r.file.size());
    expected_w = std::max(expected_w, r.expected.size());
    got_w = std::max(got_w, r.got.size());
  }
  std::string out = fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>10}", "file", file_w, "expected", expected_w, "got", got_w, "executions");
  if (output.timing) out += fmt::format("  {:>8}", "time");
  out += "  result\n";
  std::string notes;
  for (const Row& r : rows) {
    out += fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>10}", r.file, file_w, r.expected, expected_w, r.got, got_w, r.executions);
    if (output.timing) out += fmt::format("  {:>6.2f} s", r.seconds);
    switch (r.verdict) {
      case Row::Verdict::Pass: out += "  " + paint("ok", "1;32", color); break;
      case Row::Verdict::Mismatch: out += "  " + paint("MISMATCH", "1;31", color); break;
      case Row::Verdict::Error: out += "  " + paint("ERROR", "1;31", color); break;
    }
    out += "\n";
    notes += r.notes;
  }
  const Counts c = count(rows);
  out += fmt::format("\n{} scenario{}: {} as expected", rows.size(), rows.size() == 1 ? "" : "s", c.passed);
  if (c.mismatched > 0) out += fmt::format(", {} not as expected", c.mismatched);
  if (c.errors > 0) out += fmt::format(", {} with errors", c.errors);
  if (c.timed_out > 0) out += fmt::format(", {} cut short by the time limit", c.timed_out);
  if (stopped()) out += fmt::format("; interrupted, {} not run", not_run);
  out += "\n";
  if (!notes.empty()) out += "\nNot as expected:\n" + notes;
  return out;
}

nlohmann::ordered_json row_json(const Row& row, const CheckArgs& args) {
  if (!row.report) return {{"file", row.file}, {"verdict", verdict_name(row.verdict)}, {"error", row.diagnostic}};
  nlohmann::ordered_json j{{"file", row.file}, {"verdict", verdict_name(row.verdict)}};
  j.update(result_json(row.file, *row.program, *row.report, args.explore, args.output.timing));
  return j;
}

// A row's JUnit case: a mismatch is a failure whose body holds the unexpected findings' stories;
// a pass whose search a signal or the time limit cut short is an error.
JunitCase row_case(const Row& row, const CheckArgs& args) {
  if (!row.report) return error_case(row.file, "bad-input", row.diagnostic);
  const sim::Report& r = *row.report;
  const std::vector<std::string> expected = lang::normalise(row.program->expects);
  sim::Report unexpected = r;
  std::erase_if(unexpected.failures, [&](const sim::Failure& f) { return expected_kind(expected, f); });
  JunitCase c{.name = row.file, .seconds = r.seconds, .properties = search_properties(r)};
  c.out = fmt::format("expected {}, got {}\n", row.expected, row.got) + token_lines(r, row.file, args.explore);
  if (row.verdict == Row::Verdict::Mismatch) {
    c.result = JunitCase::Result::Failure;
    c.type = "mismatch";
    c.message = fmt::format("expected {}, got {}", row.expected, row.got);
    if (!unexpected.failures.empty()) c.message += "; unexpected " + finding_line(unexpected.failures.front()) + ": " + unexpected.failures.front().message;
    c.body = row.notes + stories(unexpected, row.file, args.explore.max_steps, false, args.explore.limits);
  } else if (const std::string why = cut_short(r, stop_signal_name()); !why.empty()) {
    c.result = JunitCase::Result::Error;
    c.type = r.interrupted ? "interrupted" : "time-limit";
    c.message = why;
  }
  return c;
}

// --html: every file explored on one page (a file that did not load has no report to show; the
// table and the exit code tell it).
std::string html_page(const std::vector<Row>& rows, const CheckArgs& args) {
  HtmlPage page;
  for (const Row& row : rows) {
    if (row.report) page.add(row.file, *row.report, replay_hint(row.file, args.explore.max_steps, args.explore.limits));
  }
  return page.write(args.output.html, args.output.timing);
}

// Prints the table or the JSON, and writes the HTML page and the JUnit report; false if one could not be
// written.
bool report(const std::vector<Row>& rows, const std::vector<std::string>& not_run, const CheckArgs& args) {
  if (args.output.json) {
    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    for (const Row& row : rows) results.push_back(row_json(row, args));
    std::fputs(results_document(std::move(results), not_run).c_str(), stdout);
  } else if (const Counts c = count(rows); !args.output.quiet || c.mismatched + c.errors + c.timed_out > 0 || stopped()) {
    std::fputs(table(rows, args.output, not_run.size()).c_str(), stdout);
  }
  if (!args.output.html.empty()) {
    if (const std::string error = html_page(rows, args); !error.empty()) {
      std::fprintf(stderr, "interleave: error: %s\n", error.c_str());
      return false;
    }
  }
  if (args.output.junit.empty()) return true;
  std::vector<JunitCase> cases;
  for (const Row& row : rows) cases.push_back(row_case(row, args));
  for (const std::string& file : not_run) cases.push_back(error_case(file, "not-run", fmt::format("not run: {} stopped the command first", stop_signal_name())));
  const std::string error = write_file(args.output.junit, junit_xml("interleave check", cases, args.output.timing));
  if (error.empty()) return true;
  std::fprintf(stderr, "interleave: error: --junit: %s\n", error.c_str());
  return false;
}

}  // namespace

int check_command(const CheckArgs& args) {
  const bool color_err = use_color(args.output.color, 2);
  bool missing = false;
  const std::vector<std::string> files = scenario_files(args.paths, missing);
  std::vector<Row> rows;
  std::string error;
  // A stop signal (Ctrl-C, SIGTERM, SIGHUP) ends the search, not the process: the table shows the
  // files checked so far.
  const StopOnSignals stop;
  std::vector<std::string> not_run;
  for (const std::string& file : files) {
    if (stopped()) {
      not_run.push_back(file);
      continue;
    }
    rows.push_back(check_one(file, args, color_err, error));
    if (!error.empty()) {
      std::fprintf(stderr, "interleave: error: %s\n", error.c_str());
      return exit_usage;
    }
  }
  if (!report(rows, not_run, args)) return exit_usage;
  const Counts c = count(rows);
  if (c.errors > 0 || missing || rows.empty()) return exit_usage;
  if (c.mismatched > 0) return exit_failure;
  return c.timed_out > 0 ? exit_time_limit : exit_ok;
}

}  // namespace cli
