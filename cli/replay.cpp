// interleave replay: run one schedule of a scenario again and tell its story.
#include <cstdio>
#include <stdexcept>

#include "cli/cli.hpp"
#include "cli/pictures.hpp"
#include "interleave/interleave.hpp"
#include "sim/core/history.hpp"
#include "sim/explore/retell.hpp"

namespace cli {

namespace {

// A schedule that ends without a failure has no story; show what it printed and how long it ran.
std::string clean_run(const std::function<void()>& body, const sim::Schedule& schedule, const sim::ExecutionLimits& limits) {
  sim::Execution exec(limits);
  const sim::History history = sim::retell(exec, body, schedule, limits.history_steps).history;
  std::string out = "no failure: the execution ends normally after " + std::to_string(history.steps.size() + history.dropped) + " steps\n";
  std::string lines;
  std::size_t count = 0;
  for (const sim::HistoryStep& s : history.steps) {
    if (s.kind != sim::OpKind::Print) continue;
    lines += "  " + s.value + "\n";
    ++count;
  }
  if (count > 0) out += "\nOutput (" + std::to_string(count) + " line" + (count == 1 ? "" : "s") + " printed):\n" + lines;
  return out;
}

// --html and --trace-out; false if one could not be written (the diagnostic is printed). A
// schedule without a failure has a page (it says so) but no trace: a trace shows a failure.
bool write_pictures(const ReplayArgs& args, const sim::Report& r) {
  const std::string hint = replay_hint(args.file, args.max_steps, args.limits);
  std::string error;
  if (!args.output.html.empty()) {
    HtmlPage page;
    page.add(args.file, r, hint);
    error = page.write(args.output.html, args.output.timing);
  }
  if (error.empty() && !args.trace_out.empty()) {
    if (r.ok()) {
      std::fprintf(stderr, "interleave: note: no failure, so no trace was written to %s\n", args.trace_out.c_str());
    } else {
      error = write_failure_trace(args.trace_out, r, hint);
    }
  }
  if (error.empty()) return true;
  std::fprintf(stderr, "interleave: error: %s\n", error.c_str());
  return false;
}

}  // namespace

int replay_command(const ReplayArgs& args) {
  const bool color = use_color(args.output.color, 1);
  const std::optional<lang::Loaded> loaded = load(args.file, use_color(args.output.color, 2), args.limits);
  if (!loaded) return exit_usage;
  const sim::ExecutionLimits limits = execution_limits(args.max_steps, args.limits);
  const sim::DecodedSchedule decoded = sim::decode_schedule(args.token, sim::max_choices_within(limits.max_steps, limits.max_tasks));
  if (!decoded.ok()) {
    std::fprintf(stderr, "interleave: error: bad replay token '%s': %s\n", sim::printable(args.token).c_str(), decoded.error.c_str());
    return exit_usage;
  }
  const std::function<void()> body = lang::make_body(loaded->program, interpreter_options(args.limits));
  const sim::Report r = sim::replay(body, args.token, limits);
  if (r.ok()) {
    std::fputs((args.file + ": " + clean_run(body, decoded.schedule, limits)).c_str(), stdout);
  } else {
    std::string out = args.file + ": replayed " + args.token + "\n";
    if (!args.output.quiet) out += stories(r, args.file, args.max_steps, color, args.limits, args.output.full_table);
    std::fputs(out.c_str(), stdout);
  }
  if (!write_pictures(args, r)) return exit_usage;
  bool diverged = false;
  for (const sim::Failure& f : r.failures) diverged = diverged || f.kind == sim::FailureKind::ReplayDivergence;
  if (diverged) {
    std::fprintf(stderr, "interleave: error: the token does not fit %s (was it made from another scenario, or an older version of this one?)\n",
                 args.file.c_str());
    return exit_usage;
  }
  return r.ok() ? exit_ok : exit_failure;
}

}  // namespace cli
