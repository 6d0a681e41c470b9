// html_report: the page around the parts: summary, headlines, accesses, replay command.
#include "checker/html_report.hpp"

#include <fmt/format.h>

#include "checker/html_parts.hpp"
#include "checker/story.hpp"

namespace checker {

namespace html {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string access_text(const sim::Failure& f, const sim::Access& a) {
  const sim::HistoryStep* s = step_at(f.history, a.step);
  return s != nullptr && s->task == a.task ? action(f.history, *s) : std::string(to_string(a.kind));
}

}  // namespace html

namespace {

using html::escape;

std::string replace_token(std::string hint, const std::string& token) {
  if (auto at = hint.find("{token}"); at != std::string::npos) hint.replace(at, 7, token);
  return hint;
}

void accesses_section(std::string& out, const sim::Failure& f) {
  if (f.accesses.size() < 2) return;
  out += "<table class=\"accesses\"><tr><th></th><th>step</th><th>task</th><th>operation</th><th>where</th></tr>\n";
  static constexpr const char* labels[] = {"earlier", "later"};
  for (std::size_t i = 0; i < 2; ++i) {
    const sim::Access& a = f.accesses[i];
    const std::string what = html::access_text(f, a);
    out += fmt::format("<tr class=\"race\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"where\">{}</td></tr>\n",
                       labels[i], sim::index(a.step), escape(a.task_name), escape(what), escape(sim::describe(a.where)));
  }
  out += "</table>\n";
}

void facts(std::string& out, const sim::Failure& f) {
  out += "<dl class=\"facts\">";
  if (!f.task_name.empty()) out += fmt::format("<dt>where</dt><dd>{} (task {})</dd>", escape(sim::describe(f.where)), escape(f.task_name));
  if (!f.found_by.empty()) out += fmt::format("<dt>found</dt><dd>execution {} ({})</dd>", f.execution, escape(f.found_by));
  out += fmt::format("<dt>token</dt><dd><code>{}</code></dd>", escape(f.token));
  if (f.minimized) {
    auto size = [](const sim::ScheduleSize& s) {
      return fmt::format("{} step{}, {} preemption{}", s.steps, s.steps == 1 ? "" : "s", s.preemptions, s.preemptions == 1 ? "" : "s");
    };
    out += fmt::format("<dt>shrunk</dt><dd>{} → {}</dd>", size(f.original), size(f.minimal));
  }
  out += "</dl>\n";
  if (f.nondeterministic) out += fmt::format("<p class=\"warning\">This token may not replay: {}</p>\n", escape(f.replay_note));
}

void replay(std::string& out, const sim::Failure& f, const std::string& hint, int id) {
  const std::string command = hint.empty() ? f.token : replace_token(hint, f.token);
  out += fmt::format("<div class=\"replay\"><span>Replay</span><code id=\"replay-{0}\">{1}</code>"
                     "<button type=\"button\" class=\"copy\" data-copy=\"replay-{0}\">Copy</button></div>\n",
                     id, escape(command));
}

void failure(std::string& out, const sim::Failure& f, const std::string& hint, int id, const HtmlOptions& options) {
  out += fmt::format("<section class=\"failure\" id=\"failure-{}\">\n<h3><span class=\"kind\">{}</span> {}</h3>\n", id,
                     escape(to_string(f.kind)), escape(f.message));
  if (!f.details.empty() || !f.notes.empty()) {
    out += "<ul class=\"details\">";
    for (const std::string& d : f.details) out += "<li>" + escape(d) + "</li>";
    for (const std::string& n : f.notes) out += "<li class=\"note\">note: " + escape(n) + "</li>";
    out += "</ul>\n";
  }
  accesses_section(out, f);
  facts(out, f);
  replay(out, f, hint, id);
  html::wait_graph_svg(out, f, id);
  out += "<h4>Source</h4>\n";
  html::source_excerpts(out, f, options);
  html::steps_table(out, f, id);
  out += "</section>\n";
}

}  // namespace

std::string html_page(std::span<const HtmlPart> parts, const HtmlOptions& options) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{}</style>\n"
      "</head>\n<body>\n<header><h1>{}</h1></header>\n<main>\n",
      escape(options.title), html::style, escape(options.title));
  int id = 0;
  for (const HtmlPart& part : parts) {
    const sim::Report& r = *part.report;
    out += "<section class=\"report\">\n";
    if (!part.heading.empty()) out += "<h2>" + escape(part.heading) + "</h2>\n";
    std::string line = summary(r, {.timing = options.timing});
    if (!line.empty() && line.back() == '\n') line.pop_back();
    out += fmt::format("<p class=\"summary {}\">{}</p>\n", r.ok() ? "ok" : "failed", escape(line));
    for (const sim::Failure& f : r.failures) failure(out, f, part.replay_hint, ++id, options);
    out += "</section>\n";
  }
  return out + "</main>\n<footer>Made by interleave. This page is self-contained: it fetches nothing.</footer>\n<script>" +
         html::script + "</script>\n</body>\n</html>\n";
}

std::string html_report(const sim::Report& report, const std::string& replay_hint, const HtmlOptions& options) {
  const HtmlPart part{.heading = {}, .report = &report, .replay_hint = replay_hint};
  return html_page(std::span(&part, 1), options);
}

}  // namespace checker
