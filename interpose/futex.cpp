// The futex system call made through syscall(): libstdc++ blocks on futex words for
// atomic::wait, latch, barrier, counting_semaphore, futures and static initialisation.
//
// In a simulation each futex word is a wait queue: FUTEX_WAIT compares the word and sleeps (a
// scheduling point, then a wait for a wake or the timeout); FUTEX_WAKE wakes up to n sleepers in
// the order they went to sleep. The bitset variants match sleepers by bits. A sleeper is never
// woken spuriously (callers must loop anyway). Other futex operations (requeue, priority
// inheritance) are not modelled: they are reported as such.
#include <linux/futex.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstdarg>
#include <vector>

#include "interpose/accesses.hpp"
#include "interpose/clock.hpp"
#include "interpose/context.hpp"
#include "interpose/locations.hpp"
#include "interpose/real.hpp"
#include "interpose/sync_table.hpp"

namespace interpose {

namespace {

struct FutexState {
  sim::ObjectId id = sim::no_object;
  sim::WaitList sleepers;
  void begin(sim::Execution& e, const std::string& name, const void*) {
    sleepers = sim::WaitList{};
    id = e.add_lasting_object(sim::ObjectKind::Futex, name, sim::Location{});
  }
};

// Each sleeping task's bitset (FUTEX_WAIT sleeps with every bit set).
std::vector<std::uint32_t>& bitsets() {
  static thread_local std::vector<std::uint32_t> mine;
  return mine;
}

long fail_with(int error) {
  errno = error;
  return -1;
}

long wait(sim::Execution& e, FutexState& f, const int* word, int expected, const sim::Nanos* timeout,
          std::uint32_t bitset, sim::Location where) {
  const sim::TaskId me = e.current_task();
  e.schedule(sim::OpKind::FutexWait, f.id, where);
  const bool sleeps = __atomic_load_n(word, __ATOMIC_SEQ_CST) == expected;
  e.publish(sim::OpKind::FutexWait, f.id, where, {}, sim::no_task, sleeps);
  if (!sleeps) return fail_with(EAGAIN);
  if (bitsets().size() <= sim::index(me)) bitsets().resize(sim::index(me) + 1);
  bitsets()[sim::index(me)] = bitset;
  e.set_woken_by(me, sim::no_task);
  e.enlist(f.sleepers, me, sim::Waiting{sim::OpKind::FutexWoken, f.id, sim::no_task, where});
  if (timeout != nullptr) e.set_deadline(me, e.now() + *timeout);
  e.block(me);
  e.schedule(sim::OpKind::FutexWoken, f.id, where);
  e.take_timed_out(me);
  e.clear_deadline(me);
  const bool woken = e.woken_by(me) != sim::no_task;
  if (!woken) e.delist(f.sleepers, me);
  e.publish(sim::OpKind::FutexWoken, f.id, where, {}, e.woken_by(me), woken);
  return woken ? 0 : fail_with(ETIMEDOUT);
}

long wake(sim::Execution& e, FutexState& f, int count, std::uint32_t bitset, sim::Location where) {
  e.schedule(sim::OpKind::FutexWake, f.id, where);
  long woken = 0;
  for (sim::TaskId t = f.sleepers.head; t != sim::no_task && woken < count && !e.aborting();) {
    const sim::TaskId next = e.next_in(t);
    if ((bitsets()[sim::index(t)] & bitset) != 0) {
      e.delist(f.sleepers, t);
      e.set_woken_by(t, e.current_task());
      e.unblock(t);
      ++woken;
    }
    t = next;
  }
  e.publish(sim::OpKind::FutexWake, f.id, where, sim::ValueRef{&woken, [](const void* p, std::string& out) {
              out = std::to_string(*static_cast<const long*>(p));
            }});
  return woken;
}

long futex(sim::Execution& e, int* word, int op, int value, const timespec* time, std::uint32_t bitset, std::uintptr_t pc) {
  Context::here().sync(e);
  const sim::Location where = call_location(e, pc);
  const int command = op & FUTEX_CMD_MASK;
  switch (command) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
      if (command == FUTEX_WAIT) bitset = FUTEX_BITSET_MATCH_ANY;
      if (bitset == 0) return fail_with(EINVAL);
      FutexState& f = table<FutexState>().at(e, word, pc);
      sim::Nanos timeout = 0;
      if (time != nullptr) {
        // FUTEX_WAIT takes a relative timeout; FUTEX_WAIT_BITSET an absolute one on its clock.
        timeout = command == FUTEX_WAIT ? nanos(*time)
                                        : until(e, (op & FUTEX_CLOCK_REALTIME) != 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC, time);
      }
      return wait(e, f, word, value, time != nullptr ? &timeout : nullptr, bitset, where);
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
      if (command == FUTEX_WAKE) bitset = FUTEX_BITSET_MATCH_ANY;
      if (bitset == 0) return fail_with(EINVAL);
      FutexState& f = table<FutexState>().at(e, word, pc);
      return wake(e, f, value, bitset, where);
    }
    default:
      e.fail(sim::FailureKind::Unmodelled,
             "futex operation " + std::to_string(command) +
                 " (requeue, wake-op or priority inheritance) is not modelled: only FUTEX_WAIT and FUTEX_WAKE are",
             where);
      return fail_with(ENOSYS);
  }
}

}  // namespace

}  // namespace interpose

extern "C" long syscall(long number, ...) {
  va_list args;
  va_start(args, number);
  long a[6];
  for (long& x : a) x = va_arg(args, long);
  va_end(args);
  if (number == SYS_futex) {
    if (sim::Execution* e = interpose::active_call()) {
      return interpose::futex(*e, reinterpret_cast<int*>(a[0]), static_cast<int>(a[1]), static_cast<int>(a[2]),
                             reinterpret_cast<const timespec*>(a[3]), static_cast<std::uint32_t>(a[5]),
                             reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
    }
  }
  return interpose::real::syscall.get()(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
