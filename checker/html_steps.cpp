// The page's step table: one column per task, racing accesses and preemptions marked, long runs
// of unremarkable steps folded behind one row, every row tagged with its task and object for the filter.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "checker/explain.hpp"
#include "checker/html_parts.hpp"
#include "checker/story.hpp"

namespace checker::html {

namespace {

constexpr std::size_t margin = 2;     // unremarkable rows kept visible on each side of a remarkable one
constexpr std::size_t min_fold = 8;   // shorter runs are not worth a fold
constexpr std::size_t head = 3;       // the first rows, always shown
constexpr std::size_t tail = 10;      // the last rows, where the failure is, always shown

// Which rows stay visible: the remarkable ones (a racing access, a preemption), their
// neighbours, the first and the last rows.
std::vector<bool> visible_rows(const sim::Failure& f) {
  const sim::History& h = f.history;
  const std::size_t n = h.steps.size();
  std::vector<bool> keep(n, false);
  const std::optional<RacePair> race = race_pair(f);
  for (std::size_t i = 0; i < n; ++i) {
    const sim::HistoryStep& s = h.steps[i];
    const bool marked = s.preempted || (race && (s.step == race->earlier || s.step == race->later)) || sim::index(s.step) == f.cycle_from;
    if (i < head || i + tail >= n || marked) {
      for (std::size_t j = i >= margin ? i - margin : 0; j < std::min(n, i + margin + 1); ++j) keep[j] = true;
    }
  }
  // A run too short to fold stays as it is.
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && !keep[j]) ++j;
    if (j - i < min_fold) std::fill(keep.begin() + static_cast<std::ptrdiff_t>(i), keep.begin() + static_cast<std::ptrdiff_t>(j), true);
    i = j == i ? i + 1 : j;
  }
  return keep;
}

void header(std::string& out, const sim::History& h) {
  out += "<thead><tr><th class=\"n\">step</th>";
  for (const sim::TaskInfo& t : h.tasks) {
    out += fmt::format("<th title=\"spawned at {}\">{}</th>", escape(to_string(t.spawned_at)), escape(t.name));
  }
  out += "</tr></thead>\n";
}

void fold_row(std::string& out, const sim::History& h, std::size_t from, std::size_t to, const std::string& fold) {
  std::map<std::uint32_t, std::size_t> per_task;  // ordered by task, so the text is the same every time
  for (std::size_t i = from; i < to; ++i) ++per_task[sim::index(h.steps[i].task)];
  std::string who;
  for (const auto& [task, count] : per_task) who += fmt::format("{}{} {}", who.empty() ? "" : ", ", h.task_name(sim::TaskId{task}), count);
  out += fmt::format("<tr class=\"fold\" data-fold=\"{}\"><td class=\"n\">⋯</td><td colspan=\"{}\">steps {}–{}: {} steps folded ({}) "
                     "<button type=\"button\">show</button></td></tr>\n",
                     fold, std::max<std::size_t>(h.tasks.size(), 1), sim::index(h.steps[from].step), sim::index(h.steps[to - 1].step),
                     to - from, escape(who));
}

// A step's number; the first step of a cycle is marked, with what that means as its title.
std::string number(const sim::Failure& f, const sim::HistoryStep& s) {
  if (f.cycle_from == 0 || sim::index(s.step) != f.cycle_from) return std::to_string(sim::index(s.step));
  return fmt::format("<span title=\"the cycle starts here: from this step on, the steps lead back to the state before it, and can repeat forever\">↻ {}</span>",
                     sim::index(s.step));
}

void step_row(std::string& out, const sim::Failure& f, std::size_t i, bool racing, const std::string& fold) {
  const sim::History& h = f.history;
  const sim::HistoryStep& s = h.steps[i];
  const bool preempts = s.preempted && i > 0;
  std::string cls = "step";
  if (racing) cls += " race";
  if (preempts) cls += " preempt";
  out += fmt::format("<tr class=\"{}\" data-task=\"{}\" data-object=\"{}\"{}{}><td class=\"n\">{}</td>", cls, escape(h.task_name(s.task)),
                     s.object == sim::no_object ? std::string() : escape(h.object_name(s.object)),
                     fold.empty() ? "" : " data-in=\"" + fold + "\"", fold.empty() ? "" : " hidden", number(f, s));
  for (std::uint32_t t = 0; t < h.tasks.size(); ++t) {
    if (t != sim::index(s.task)) {
      out += "<td></td>";
      continue;
    }
    out += "<td class=\"op\">";
    if (preempts) out += fmt::format("<span class=\"mark\" title=\"preempts {}\">»</span> ", escape(h.task_name(h.steps[i - 1].task)));
    out += escape(action(h, s));
    if (s.kind != sim::OpKind::Finish) out += " <span class=\"where\">" + escape(to_string(s.where)) + "</span>";
    out += "</td>";
  }
  out += "</tr>\n";
}

}  // namespace

void steps_table(std::string& out, const sim::Failure& f, int id) {
  const sim::History& h = f.history;
  const std::size_t preemptions = static_cast<std::size_t>(
      std::count_if(h.steps.begin(), h.steps.end(), [](const sim::HistoryStep& s) { return s.preempted; }));
  out += fmt::format("<h4>Steps by task <small>({} steps, {} preemption{})</small></h4>\n", h.steps.size() + h.dropped,
                     preemptions + h.dropped_preemptions, preemptions + h.dropped_preemptions == 1 ? "" : "s");
  out += std::string("<div class=\"tools\"><input type=\"search\" class=\"filter\" placeholder=\"filter by task or object\" "
                     "aria-label=\"filter steps by task or object\"> <label><input type=\"checkbox\" class=\"only\"> only matching</label> "
                     "<button type=\"button\" class=\"unfold\">show all steps</button> <span class=\"count\"></span></div>\n");
  if (h.dropped > 0) out += fmt::format("<p class=\"note\">{} earlier steps were not kept (the history keeps the last ones).</p>\n", h.dropped);
  out += fmt::format("<table class=\"steps\" id=\"steps-{}\">\n", id);
  header(out, h);
  out += "<tbody>\n";
  const std::vector<bool> keep = visible_rows(f);
  const std::optional<RacePair> race = race_pair(f);
  int folds = 0;
  for (std::size_t i = 0; i < h.steps.size();) {
    const sim::HistoryStep& s = h.steps[i];
    if (keep[i]) {
      step_row(out, f, i, race && (s.step == race->earlier || s.step == race->later), {});
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < h.steps.size() && !keep[j]) ++j;
    const std::string fold = fmt::format("{}-{}", id, ++folds);
    fold_row(out, h, i, j, fold);
    for (; i < j; ++i) step_row(out, f, i, false, fold);
  }
  out += "</tbody>\n</table>\n";
}

}  // namespace checker::html
