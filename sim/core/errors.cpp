// Errors of our own: the internal-error exit and exception names.
#include "sim/core/errors.hpp"

#include <cxxabi.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <typeinfo>

#include "sim/core/crash_guard.hpp"

namespace sim {

[[noreturn]] void internal_error(const char* what) {
  std::fprintf(stderr, "interleave: internal error: %s\n", what);
  detail::let_abort_through();
  std::abort();
}

std::string describe_exception(const std::exception& e) {
  const char* mangled = typeid(e).name();
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  std::string type = (status == 0 && name) ? name.get() : mangled;
  return type + ": " + e.what();
}

}  // namespace sim
