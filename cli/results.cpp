// The JSON and the short lines run and check print for each scenario file.
#include "cli/results.hpp"
#include "sim/real/real_runner.hpp"

#include <fmt/format.h>

#include "checker/report_json.hpp"
#include "checker/story.hpp"
#include "cli/stop.hpp"
#include "lang/outcome.hpp"

namespace cli {

using nlohmann::ordered_json;

ordered_json result_json(const std::string& file, const lang::Program& program, const sim::Report& r, const ExploreArgs& explore,
                         bool timing) {
  const std::vector<std::string> found = lang::outcomes_of(r);
  ordered_json j{{"file", file},
                 {"expected", program.expects},
                 {"outcomes", found},
                 {"as_expected", found == lang::normalise(program.expects)}};
  j.update(checker::report_value(r, {.timing = timing}));
  ordered_json& failures = j["failures"];
  for (std::size_t i = 0; i < r.failures.size(); ++i) {
    const sim::Failure& f = r.failures[i];
    failures[i]["replay"] = replay_command_line(file, f.token, explore.max_steps, explore.limits);
    failures[i]["output"] = printed(f);
  }
  return j;
}

void add_shard(ordered_json& result, const Explored& explored, const ExploreArgs& explore) {
  const std::vector<std::pair<std::uint64_t, std::uint64_t>>& sizes = explored.stats.unit_sizes;
  ordered_json units = ordered_json::array();
  for (auto [unit, n] : sizes) units.push_back({unit, n});
  result["shard"] = {{"index", explore.shard->index},
                     {"count", explore.shard->count},
                     {"iterations", explored.budget},
                     {"keep_going", explore.keep_going},
                     {"units", std::move(units)}};
  // A failure's execution numbers the shard's own executions, its units laid end to end.
  ordered_json& failures = result["failures"];
  for (std::size_t i = 0; i < explored.report.failures.size(); ++i) {
    std::uint64_t before = 0, position = explored.report.failures[i].execution - 1;
    for (auto [unit, n] : sizes) {
      if (position < before + n) {
        failures[i]["place"] = {{"unit", unit}, {"rank", position - before}};
        break;
      }
      before += n;
    }
  }
}

std::string summary_line(const std::string& file, const std::vector<std::string>& expects, const sim::Report& r, bool timing, bool color) {
  const std::vector<std::string> found = lang::outcomes_of(r);
  std::string line = file + ": ";
  line += r.ok() ? paint("no failure", "1;32", color) : paint(lang::join(found), "1;31", color);
  line += fmt::format(" in {} execution{}", r.executions, r.executions == 1 ? "" : "s");
  if (r.states > 0) line += fmt::format(" ({} states)", sim::with_commas(r.states));
  if (timing) line += fmt::format(", {:.3f} s", r.seconds);
  line += " [" + r.strategy + "]";
  if (r.complete) line += " — search complete";
  if (r.interrupted) line += " — interrupted";
  if (r.time_limit_reached) line += " — time limit reached";
  if (!expects.empty()) {
    const std::vector<std::string> expected = lang::normalise(expects);
    line += expected == found ? " (as expected)" : " (expected " + lang::join(expected) + ")";
  }
  return line + "\n" + checker::gap_lines(r);
}

std::string results_document(ordered_json results, const std::vector<std::string>& not_run) {
  ordered_json document{{"version", checker::json_version}, {"results", std::move(results)}, {"interrupted", stopped()}};
  if (stopped()) document["signal"] = stop_signal_name();
  document["not_run"] = not_run;
  return checker::json_text(document) + "\n";
}

std::string finding_line(const sim::Failure& failure) {
  return fmt::format("{} at {}", sim::to_string(failure.kind), sim::to_string(failure.where));
}

std::string token_lines(const sim::Report& report, const std::string& file, const ExploreArgs& explore) {
  std::string out;
  for (const sim::Failure& f : report.failures) {
    out += fmt::format("  {} — replay: {}\n", finding_line(f), replay_command_line(file, f.token, explore.max_steps, explore.limits));
  }
  return out;
}

}  // namespace cli
