// Locations: where in the program's own source the running task is, from code addresses.
//
// A hook knows its return address. Symbolized with its inlined levels, that address names the
// user's line directly when the operation was written there or inlined into it (a std::mutex
// lock inlined into the function that takes the guard). When it lies in a function of the
// compiler's headers that was not inlined, the task's call stack kept by __tsan_func_entry
// names the callers; when it lies in a library without debug information (libstdc++.so's
// condition_variable::wait), the real stack is unwound to the first frame of the program.
#pragma once

#include <cstdint>

#include "sim/core/execution.hpp"

namespace interpose {

// For a memory access hook: `pc` is its return address, in instrumented code. False when no
// frame of the program's own code is found: the access belongs to the plumbing of a library
// function called from uninstrumented code (std::thread's invoker reading its arguments).
// `fixed`, if given, tells whether the answer is the pc's alone (the program's own code), not
// found from the task's frames.
bool access_location(sim::Execution& e, std::uintptr_t pc, sim::Location* where, bool* fixed = nullptr);
// For a libc function the program called: `pc` is the interposed function's return address.
sim::Location call_location(sim::Execution& e, std::uintptr_t pc);

// Where the program (not this library, nor a library without debug information) called from;
// false when `pc` is not in the program's own code.
bool program_location(sim::Execution& e, std::uintptr_t pc, sim::Location* where);

}  // namespace interpose
