// The test-side API's pictures of a failure: the Chrome trace and the HTML page.
#include "interleave/interleave.hpp"

namespace sim {

std::string to_trace(const Failure& failure, const checker::TraceOptions& options) { return checker::trace_json(failure, options); }

std::string to_html(const Report& report, const std::string& replay_hint, const checker::HtmlOptions& options) {
  return checker::html_report(report, replay_hint, options);
}

}  // namespace sim
