// JUnit XML (--junit FILE of run, check and merge) in the shape GitHub's, GitLab's and Jenkins's test
// reports read: <testsuites><testsuite><testcase>, one test case per scenario file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli/cli.hpp"

namespace cli {

struct JunitCase {
  enum class Result : std::uint8_t { Pass, Failure, Error };
  std::string name;  // the scenario file
  double seconds = 0;
  Result result = Result::Pass;
  std::string type;     // of the failure or error: a finding's kind, "mismatch", "interrupted", "time-limit", ...
  std::string message;  // one line
  std::string body;     // the failure's or error's text: stories, each with its token and replay command
  std::string out;      // <system-out>: the summary line, and findings that were expected
  std::vector<std::pair<std::string, std::string>> properties;
};

// The document: one <testsuite> named `suite` ("interleave run"), its cases in order. Times are
// left out unless `timing`, so that --no-timing output is the same byte for byte.
std::string junit_xml(const std::string& suite, const std::vector<JunitCase>& cases, bool timing);

// The case of a file run explored: its findings make a <failure> (message: the first finding's
// kind and place; body: every story); a search that a stop signal or the time limit cut short
// without a finding is an <error>, never a pass.
JunitCase run_case(const std::string& file, const sim::Report& report, const ExploreArgs& explore, const std::string& summary);
// A file that could not be loaded (an <error> with its diagnostic), or one a stop signal left unrun.
JunitCase error_case(const std::string& file, const std::string& type, const std::string& message);
// The properties every explored file's case carries: executions, strategy, and how the search ended.
std::vector<std::pair<std::string, std::string>> search_properties(const sim::Report& report);
// Why a search without a finding is not a pass ("interrupted by SIGTERM after 812 executions"), or "".
// `stopped_by`: the name of the signal that stopped it ("" when a cancel flag did).
std::string cut_short(const sim::Report& report, std::string_view stopped_by);

// Text made fit for an XML attribute or element: markup characters as entities, bytes that are not
// UTF-8 as U+FFFD, and control characters XML 1.0 cannot hold as U+FFFD.
std::string xml_escape(std::string_view text);

}  // namespace cli
