// command_line: interleave's options on a test executable's own command line, read by the
// doctest helpers, so that a run can change them without a rebuild:
//
//   ./my_test --interleave-plain-accesses=switch   # plain accesses of unmodified code switch
//   ./my_test --interleave-plain-accesses=watch    # they are only checked for races (default)
#pragma once

#include <string>
#include <vector>

#include "interleave/interleave.hpp"

namespace sim {

// `options` with what this process's command line (/proc/self/cmdline) says. A malformed or
// unknown --interleave-... argument prints a diagnostic and exits with status 2.
CheckOptions with_command_line(CheckOptions options);
// The same over given arguments (for tests); returns the diagnostic instead of exiting, or "".
std::string apply_command_line(const std::vector<std::string>& args, CheckOptions& options);

}  // namespace sim
