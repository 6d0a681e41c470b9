// html_report: a report as one self-contained HTML page (inline CSS and script, nothing fetched):
// the summary, each failure's headline, its accesses and source lines, the replay command with a
// copy button, a deadlock's wait-for graph as inline SVG, and the steps in one column per task,
// with long runs of unremarkable steps folded and a filter by task or object.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "sim/core/failure.hpp"

namespace checker {

struct HtmlOptions {
  std::string title = "interleave report";
  bool timing = false;  // show wall time; off by default, so the same token gives the same page
  // Where a source file named by a relative path is looked for, after the current directory.
  std::vector<std::string> source_dirs{};
  std::uint32_t context_lines = 3;  // source lines shown around each place involved
};

// One report on a page, under its own heading (a scenario file's name, a test's name).
struct HtmlPart {
  std::string heading{};
  const sim::Report* report = nullptr;
  std::string replay_hint{};  // how to replay, with {token} replaced, e.g. a command line
};

std::string html_page(std::span<const HtmlPart> parts, const HtmlOptions& options = {});
std::string html_report(const sim::Report& report, const std::string& replay_hint, const HtmlOptions& options = {});

}  // namespace checker
