// Function-local statics: __cxa_guard_acquire and __cxa_guard_release, which the compiler calls
// around a static's first initialisation (__cxa_guard_abort, after an initialiser that threw, stays
// libstdc++'s: it marks nothing done).
//
// The compiler checks the guard with an atomic load (a step the hooks see) and calls
// __cxa_guard_acquire when it reads "not yet": the first caller initialises, the others wait in
// libstdc++ on a futex (interposed: a wait in the simulation). The store that marks the guard done
// is libstdc++'s own and unseen, so a task that later found the static ready by that load had no
// edge from the initialisation: a race on the static that cannot happen. Here the release is a step
// that stores the guard, and a caller that finds it ready a step that loads it, so the
// initialisation happens before every use.
#include <cxxabi.h>

#include <cstdint>

#include "interpose/accesses.hpp"
#include "interpose/real.hpp"

namespace {

interpose::real::Slot<int(__cxxabiv1::__guard*)> real_acquire{"__cxa_guard_acquire"};
interpose::real::Slot<void(__cxxabiv1::__guard*)> real_release{"__cxa_guard_release"};

volatile std::uint8_t* first_byte(__cxxabiv1::__guard* g) { return reinterpret_cast<volatile std::uint8_t*>(g); }

}  // namespace

namespace __cxxabiv1 {

extern "C" int __cxa_guard_acquire(__guard* g) {
  const int first = real_acquire.get()(g);
  if (first == 0) interpose::guard_step(first_byte(g), sim::OpKind::AtomicLoad, __builtin_return_address(0), 1);
  return first;
}

// The step comes first: libstdc++ wakes the waiters inside its release (a scheduling point) after
// setting the guard, and a task that runs then and finds the guard set must be ordered after this
// step. One that runs between the two finds it unset, and waits to be woken.
extern "C" void __cxa_guard_release(__guard* g) noexcept {
  interpose::guard_step(first_byte(g), sim::OpKind::AtomicStore, __builtin_return_address(0), 1);
  real_release.get()(g);
}

}  // namespace __cxxabiv1
