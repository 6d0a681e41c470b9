// The JSON and the short lines run and check print for each scenario file.
#include "cli/results.hpp"

#include <fmt/format.h>

#include "checker/report_json.hpp"
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
