// sched_yield, sleeping and reading the clocks: on virtual time inside a simulation.
#include <sched.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>

#include "interpose/clock.hpp"
#include "interpose/context.hpp"
#include "interpose/locations.hpp"
#include "interpose/real.hpp"
#include "sim/sync/thread.hpp"
#include "sim/time/time.hpp"

using interpose::active_call;
namespace real = interpose::real;

namespace {

sim::Location where(sim::Execution& e, void* pc) {
  interpose::Context::here().sync(e);
  return interpose::call_location(e, reinterpret_cast<std::uintptr_t>(pc));
}

void sleep_for(sim::Execution& e, sim::Nanos ns, void* pc) { sim::sleep_for(sim::Duration(ns), where(e, pc)); }

}  // namespace

extern "C" int sched_yield() {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::sched_yield.get()();
  sim::yield(where(*e, __builtin_return_address(0)));
  return 0;
}

extern "C" int nanosleep(const timespec* request, timespec* remaining) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::nanosleep.get()(request, remaining);
  sleep_for(*e, interpose::nanos(*request), __builtin_return_address(0));
  if (remaining != nullptr) *remaining = timespec{0, 0};
  return 0;
}

extern "C" int clock_nanosleep(clockid_t clock, int flags, const timespec* request, timespec* remaining) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::clock_nanosleep.get()(clock, flags, request, remaining);
  const sim::Nanos ns = (flags & TIMER_ABSTIME) != 0 ? interpose::until(*e, clock, request) : interpose::nanos(*request);
  sleep_for(*e, ns, __builtin_return_address(0));
  if (remaining != nullptr && (flags & TIMER_ABSTIME) == 0) *remaining = timespec{0, 0};
  return 0;
}

extern "C" int usleep(useconds_t micros) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::usleep.get()(micros);
  sleep_for(*e, sim::Nanos{micros} * 1000, __builtin_return_address(0));
  return 0;
}

extern "C" unsigned sleep(unsigned seconds) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::sleep.get()(seconds);
  sleep_for(*e, sim::Nanos{seconds} * 1'000'000'000, __builtin_return_address(0));
  return 0;
}

extern "C" int clock_gettime(clockid_t clock, timespec* now) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::clock_gettime.get()(clock, now);
  *now = interpose::to_timespec(interpose::virtual_now(*e, clock));
  return 0;
}

extern "C" int gettimeofday(timeval* now, void*) {
  sim::Execution* e = active_call();
  timespec ts;
  if (e == nullptr) {
    real::clock_gettime.get()(CLOCK_REALTIME, &ts);
  } else {
    ts = interpose::to_timespec(interpose::virtual_now(*e, CLOCK_REALTIME));
  }
  *now = timeval{ts.tv_sec, static_cast<suseconds_t>(ts.tv_nsec / 1000)};
  return 0;
}

extern "C" time_t time(time_t* out) {
  timespec ts;
  if (sim::Execution* e = active_call()) {
    ts = interpose::to_timespec(interpose::virtual_now(*e, CLOCK_REALTIME));
  } else {
    real::clock_gettime.get()(CLOCK_REALTIME, &ts);
  }
  if (out != nullptr) *out = ts.tv_sec;
  return ts.tv_sec;
}
