// --html PAGE (run, check, replay) and --trace-out (run: a folder, replay: a file): a command's
// failures as one self-contained HTML page and as Chrome traces for the Perfetto UI.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "sim/core/failure.hpp"

namespace cli {

// Every report of a command on one page, written once at the end (the page is one file, whole or
// not at all, like --output and --junit).
class HtmlPage {
 public:
  void add(std::string heading, sim::Report report, std::string replay_hint);
  // Writes the page; returns an error message ("--html: ..."), or nothing on success.
  std::string write(const std::string& path, bool timing) const;

 private:
  struct Part {
    std::string heading;
    sim::Report report;
    std::string replay_hint;
  };
  std::vector<Part> parts_;
};

// run --trace-out DIR: each failure's trace as it is found, named after its scenario and kind
// (bank_race-DataRace.json; a second of one name gets -2), so the names do not depend on the job
// count or on the time a search took.
class TraceFolder {
 public:
  explicit TraceFolder(std::string dir) : dir_(std::move(dir)) {}
  // Makes the folder before anything is explored, so a path that cannot be one fails at once
  // rather than after a long search. Returns an error message, or nothing.
  std::string prepare() const;
  std::string add(const std::string& file, const sim::Report& report, const std::string& replay_hint);

 private:
  std::string dir_;
  std::set<std::string> used_;  // names already written
};

// replay --trace-out FILE: the trace of a schedule that shows a failure: its fatal failure's, or
// else its first finding's (they share the schedule). Returns an error message, or nothing.
std::string write_failure_trace(const std::string& path, const sim::Report& report, const std::string& replay_hint);

}  // namespace cli
