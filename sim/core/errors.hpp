// Errors of our own: a broken invariant of the runtime (it aborts), and how an exception is named.
#pragma once

#include <exception>
#include <string>

namespace sim {

// Prints "interleave: internal error: <what>" on stderr and aborts: for what cannot happen.
[[noreturn]] void internal_error(const char* what);
// "std::runtime_error: what()", with the type name demangled.
std::string describe_exception(const std::exception& e);

}  // namespace sim
