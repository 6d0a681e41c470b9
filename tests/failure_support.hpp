#pragma once
// What the suites read off a failure, shared for the same reason as text_support.hpp.

#include <string>

#include "sim/core/failure.hpp"

// The detail line for `task`, or "" if there is none.
inline std::string detail_of(const sim::Failure& f, const std::string& task) {
  for (const std::string& d : f.details) {
    if (d.rfind(task + " ", 0) == 0) return d;
  }
  return "";
}

// True if the finding's message or one of its details contains `text`.
inline bool mentions(const sim::Failure& f, const std::string& text) {
  if (f.message.find(text) != std::string::npos) return true;
  for (const std::string& d : f.details) {
    if (d.find(text) != std::string::npos) return true;
  }
  return false;
}
