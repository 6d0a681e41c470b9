// --html and --trace-out: a command's failures as one self-contained HTML page and as Chrome traces.
#include "cli/pictures.hpp"

#include <filesystem>
#include <system_error>

#include "checker/html_report.hpp"
#include "checker/trace_json.hpp"
#include "cli/cli.hpp"

namespace cli {

void HtmlPage::add(std::string heading, sim::Report report, std::string replay_hint) {
  parts_.push_back({std::move(heading), std::move(report), std::move(replay_hint)});
}

std::string HtmlPage::write(const std::string& path, bool timing) const {
  std::vector<checker::HtmlPart> parts;
  for (const Part& p : parts_) parts.push_back({.heading = p.heading, .report = &p.report, .replay_hint = p.replay_hint});
  const std::string error = write_file(path, checker::html_page(parts, {.timing = timing}));
  return error.empty() ? error : "--html: " + error;
}

std::string TraceFolder::prepare() const {
  std::error_code ec;
  if (std::filesystem::exists(dir_, ec) && !std::filesystem::is_directory(dir_, ec)) {
    return "--trace-out: " + dir_ + " is not a folder (run writes one trace per failure into a folder; replay takes a file)";
  }
  std::filesystem::create_directories(dir_, ec);
  if (ec) return "--trace-out: cannot make the folder " + dir_ + ": " + ec.message();
  return {};
}

std::string TraceFolder::add(const std::string& file, const sim::Report& report, const std::string& replay_hint) {
  const std::string stem = std::filesystem::path(file).stem().string();
  for (const sim::Failure& f : report.failures) {
    const std::string base = stem + "-" + std::string(to_string(f.kind));
    std::string name = base;
    for (int n = 2; !used_.insert(name).second; ++n) name = base + "-" + std::to_string(n);
    const std::string path = (std::filesystem::path(dir_) / (name + ".json")).string();
    if (std::string error = write_file(path, checker::trace_json(f, {.replay_hint = replay_hint})); !error.empty()) {
      return "--trace-out: " + error;
    }
  }
  return {};
}

std::string write_failure_trace(const std::string& path, const sim::Report& report, const std::string& replay_hint) {
  const sim::Failure* shown = &report.failures.front();
  for (const sim::Failure& f : report.failures) {
    if (is_fatal(f.kind) && !is_fatal(shown->kind)) shown = &f;
  }
  const std::string error = write_file(path, checker::trace_json(*shown, {.replay_hint = replay_hint}));
  return error.empty() ? error : "--trace-out: " + error;
}

}  // namespace cli
