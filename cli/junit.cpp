// JUnit XML for run, check and merge. The shape follows what the readers agree on (Jenkins's junit
// plugin, GitLab's and the GitHub actions that render it): a <testsuites> root with totals, one
// <testsuite>, <testcase name classname time> holding at most one <failure> or <error>
// (message and type attributes, details as text), <properties> and <system-out>.
#include "cli/junit.hpp"

#include <fmt/format.h>

#include "cli/results.hpp"
#include "cli/stop.hpp"

namespace cli {

namespace {

// The length of the UTF-8 sequence at the start of `text`, or 0 if it is not one (overlong
// forms, surrogates and code points past U+10FFFF included).
std::size_t utf8_length(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char c = byte(0);
  std::size_t n = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, low = c == 0xE0 ? 0xA0 : 0x80, high = c == 0xED ? 0x9F : 0xBF;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, low = c == 0xF0 ? 0x90 : 0x80, high = c == 0xF4 ? 0x8F : 0xBF;
  if (n == 0 || text.size() < n || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return n;
}

std::string attribute(const char* name, std::string_view value) { return fmt::format(" {}=\"{}\"", name, xml_escape(value)); }

std::string seconds_attribute(double seconds, bool timing) { return timing ? fmt::format(" time=\"{:.3f}\"", seconds) : ""; }

std::string case_xml(const std::string& classname, const JunitCase& c, bool timing) {
  std::string out = "    <testcase" + attribute("name", c.name) + attribute("classname", classname) + seconds_attribute(c.seconds, timing) + ">\n";
  if (!c.properties.empty()) {
    out += "      <properties>\n";
    for (const auto& [name, value] : c.properties) out += "        <property" + attribute("name", name) + attribute("value", value) + "/>\n";
    out += "      </properties>\n";
  }
  const char* element = nullptr;
  switch (c.result) {
    case JunitCase::Result::Pass: break;
    case JunitCase::Result::Failure: element = "failure"; break;
    case JunitCase::Result::Error: element = "error"; break;
  }
  if (element != nullptr) {
    out += fmt::format("      <{}{}{}>{}</{}>\n", element, attribute("message", c.message), attribute("type", c.type), xml_escape(c.body),
                       element);
  }
  if (!c.out.empty()) out += "      <system-out>" + xml_escape(c.out) + "</system-out>\n";
  return out + "    </testcase>\n";
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_length(text.substr(i));
      out += n == 0 ? std::string_view("\xEF\xBF\xBD") : text.substr(i, n);
      i += n == 0 ? 1 : n;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t': case '\n': out += static_cast<char>(c); break;
      case '\r': out += "&#13;"; break;
      default: out += c < 0x20 || c == 0x7F ? std::string("\xEF\xBF\xBD") : std::string(1, static_cast<char>(c));
    }
    ++i;
  }
  return out;
}

std::string junit_xml(const std::string& suite, const std::vector<JunitCase>& cases, bool timing) {
  std::size_t failures = 0, errors = 0;
  double seconds = 0;
  std::string body;
  const std::string classname = suite == "interleave check" ? "interleave.check" : "interleave.run";
  for (const JunitCase& c : cases) {
    failures += c.result == JunitCase::Result::Failure;
    errors += c.result == JunitCase::Result::Error;
    seconds += c.seconds;
    body += case_xml(classname, c, timing);
  }
  const std::string counts = fmt::format(" tests=\"{}\" failures=\"{}\" errors=\"{}\"", cases.size(), failures, errors);
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites" + attribute("name", suite) + counts + seconds_attribute(seconds, timing) +
         ">\n  <testsuite" + attribute("name", suite) + counts + " skipped=\"0\"" + seconds_attribute(seconds, timing) + ">\n" + body +
         "  </testsuite>\n</testsuites>\n";
}

std::vector<std::pair<std::string, std::string>> search_properties(const sim::Report& r) {
  return {{"executions", std::to_string(r.executions)},
          {"strategy", r.strategy},
          {"complete", r.complete ? "true" : "false"},
          {"interrupted", r.interrupted ? "true" : "false"},
          {"time_limit_reached", r.time_limit_reached ? "true" : "false"}};
}

std::string cut_short(const sim::Report& r, std::string_view stopped_by) {
  const std::string after = fmt::format("after {} execution{}: the search did not end, so this is not a pass", r.executions,
                                        r.executions == 1 ? "" : "s");
  if (r.interrupted) return fmt::format("interrupted by {} {}", stopped_by.empty() ? "a cancel flag" : stopped_by, after);
  if (r.time_limit_reached) return "the time limit ran out " + after;
  return {};
}

JunitCase run_case(const std::string& file, const sim::Report& r, const ExploreArgs& explore, const std::string& summary) {
  JunitCase c{.name = file, .seconds = r.seconds, .out = summary, .properties = search_properties(r)};
  if (!r.failures.empty()) {
    c.result = JunitCase::Result::Failure;
    c.type = std::string(sim::to_string(r.failures.front().kind));
    c.message = finding_line(r.failures.front()) + ": " + r.failures.front().message;
    if (r.failures.size() > 1) c.message += fmt::format(" (and {} more finding{})", r.failures.size() - 1, r.failures.size() == 2 ? "" : "s");
    c.body = stories(r, file, explore.max_steps, false, explore.limits);
  } else if (const std::string why = cut_short(r, stop_signal_name()); !why.empty()) {
    c.result = JunitCase::Result::Error;
    c.type = r.interrupted ? "interrupted" : "time-limit";
    c.message = why;
  }
  return c;
}

JunitCase error_case(const std::string& file, const std::string& type, const std::string& message) {
  return JunitCase{.name = file, .result = JunitCase::Result::Error, .type = type, .message = message.substr(0, message.find('\n')), .body = message};
}

}  // namespace cli
