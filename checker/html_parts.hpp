// The parts of the HTML page, one file each (html_report.cpp puts them together).
#pragma once

#include <string>
#include <string_view>

#include "checker/html_report.hpp"

namespace checker::html {

// Text made safe inside an element or a quoted attribute.
std::string escape(std::string_view text);

// What a race's access did, in the story's words ("write balance ← 20"), or its kind if the
// history no longer keeps its step.
std::string access_text(const sim::Failure& failure, const sim::Access& access);

// The steps, one column per task, with folds and highlights; `id` makes the page's ids unique.
void steps_table(std::string& out, const sim::Failure& failure, int id);
// The source lines around each place the failure involves.
void source_excerpts(std::string& out, const sim::Failure& failure, const HtmlOptions& options);
// A deadlock's wait-for graph as inline SVG (nothing when no task is blocked).
void wait_graph_svg(std::string& out, const sim::Failure& failure, int id);

extern const char* const style;   // the page's CSS
extern const char* const script;  // its JavaScript: folds, filter, copy buttons

}  // namespace checker::html
