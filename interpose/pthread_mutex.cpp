// pthread mutexes (normal, recursive, error-checking; timed locking on any) and condition
// variables, on the simulator's lock and condition-variable models.
#include <cerrno>

#include "interpose/clock.hpp"
#include "interpose/context.hpp"
#include "interpose/locations.hpp"
#include "interpose/real.hpp"
#include "interpose/sync_table.hpp"
#include "sim/sync/cond_model.hpp"
#include "sim/sync/mutex_variants.hpp"

namespace interpose {

namespace {

struct MutexState {
  sim::ObjectId id = sim::no_object;
  sim::detail::LockModel model;
  void begin(sim::Execution& e, const std::string& name, const void*) {
    model.reset();
    id = e.add_lasting_object(sim::ObjectKind::Mutex, name, sim::Location{});
  }
};

struct CondState {
  sim::ObjectId id = sim::no_object;
  sim::detail::CondModel model;
  void begin(sim::Execution& e, const std::string& name, const void*) {
    model.reset();
    id = e.add_lasting_object(sim::ObjectKind::CondVar, name, sim::Location{});
  }
};

// glibc keeps the type in the low bits of __kind (adaptive counts as normal).
int type_of(const pthread_mutex_t* m) {
  const int kind = m->__data.__kind & 3;
  return kind == PTHREAD_MUTEX_ADAPTIVE_NP ? PTHREAD_MUTEX_NORMAL : kind;
}

MutexState& mutex_state(sim::Execution& e, pthread_mutex_t* m, std::uintptr_t pc) {
  Context::here().sync(e);
  return table<MutexState>().at(e, m, pc);
}

// Locking a mutex the task holds already: again for a recursive one, an error for an
// error-checking one, a finding for a normal one (it would deadlock).
int relock(sim::Execution& e, pthread_mutex_t* m, MutexState& s, sim::OpKind kind, sim::Location where, bool timed = false) {
  const bool trying = kind == sim::OpKind::TryLock && !timed;
  switch (type_of(m)) {
    case PTHREAD_MUTEX_RECURSIVE:
      s.model.relock(e, s.id, kind, where);
      return 0;
    case PTHREAD_MUTEX_ERRORCHECK:
      return trying ? EBUSY : EDEADLK;
    default:
      if (trying) return EBUSY;
      e.fail(sim::FailureKind::LockMisuse,
             e.task_name(e.current_task()) + " locks mutex " + e.object_name(s.id) + " again while holding it (locked at " +
                 sim::to_string(s.model.locked_at()) + "); a non-recursive mutex deadlocks",
             where);
      return EDEADLK;
  }
}

int lock(sim::Execution& e, pthread_mutex_t* m, const sim::Nanos* timeout, std::uintptr_t pc) {
  MutexState& s = mutex_state(e, m, pc);
  const sim::Location where = call_location(e, pc);
  const sim::OpKind kind = timeout != nullptr ? sim::OpKind::TryLock : sim::OpKind::Lock;
  if (s.model.owner() == e.current_task() && !e.aborting()) return relock(e, m, s, kind, where, timeout != nullptr);
  if (timeout == nullptr) {
    s.model.lock(e, s.id, where);
    return 0;
  }
  return s.model.try_lock_for(e, s.id, *timeout, where) ? 0 : ETIMEDOUT;
}

}  // namespace

}  // namespace interpose

using interpose::active_call;
namespace real = interpose::real;

extern "C" int pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* attr) {
  // The real one sets the type the simulation reads.
  const int r = real::pthread_mutex_init.get()(m, attr);
  if (active_call() != nullptr) interpose::table<interpose::MutexState>().forget(m);
  return r;
}

extern "C" int pthread_mutex_destroy(pthread_mutex_t* m) {
  if (sim::Execution* e = active_call()) {
    interpose::MutexState& s = interpose::mutex_state(*e, m, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
    if (s.model.owner() != sim::no_task) return EBUSY;
    interpose::table<interpose::MutexState>().forget(m);
    return 0;
  }
  return real::pthread_mutex_destroy.get()(m);
}

extern "C" int pthread_mutex_lock(pthread_mutex_t* m) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::pthread_mutex_lock.get()(m);
  return interpose::lock(*e, m, nullptr, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
}

extern "C" int pthread_mutex_timedlock(pthread_mutex_t* m, const timespec* abstime) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::pthread_mutex_timedlock.get()(m, abstime);
  const sim::Nanos timeout = interpose::until(*e, CLOCK_REALTIME, abstime);
  return interpose::lock(*e, m, &timeout, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
}

extern "C" int pthread_mutex_clocklock(pthread_mutex_t* m, clockid_t clock, const timespec* abstime) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::pthread_mutex_clocklock.get()(m, clock, abstime);
  const sim::Nanos timeout = interpose::until(*e, clock, abstime);
  return interpose::lock(*e, m, &timeout, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
}

extern "C" int pthread_mutex_trylock(pthread_mutex_t* m) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::pthread_mutex_trylock.get()(m);
  interpose::MutexState& s = interpose::mutex_state(*e, m, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
  const sim::Location where = interpose::call_location(*e, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
  if (s.model.owner() == e->current_task() && !e->aborting()) {
    return interpose::relock(*e, m, s, sim::OpKind::TryLock, where);
  }
  return s.model.try_lock(*e, s.id, where) ? 0 : EBUSY;
}

extern "C" int pthread_mutex_unlock(pthread_mutex_t* m) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::pthread_mutex_unlock.get()(m);
  interpose::MutexState& s = interpose::mutex_state(*e, m, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
  const sim::Location where = interpose::call_location(*e, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
  if (s.model.owner() != e->current_task() && !e->aborting()) {
    if (interpose::type_of(m) != PTHREAD_MUTEX_NORMAL) return EPERM;
    e->fail(sim::FailureKind::LockMisuse,
            e->task_name(e->current_task()) + " unlocks mutex " + e->object_name(s.id) + s.model.not_held_by(*e, e->current_task()),
            where);
    return EPERM;
  }
  if (s.model.owner() == e->current_task()) s.model.unlock(*e, s.id, where);
  return 0;
}

// --- condition variables ---

namespace interpose {

namespace {

struct HeldMutex final : sim::detail::WaitLock {
  HeldMutex(MutexState& s) : s(s) {}
  void release(sim::Execution& e) override { depth = s.model.release_for_wait(e, s.id); }
  void reacquire(sim::Execution& e, sim::Location where) override { s.model.reacquire(e, s.id, where, depth); }
  MutexState& s;
  std::uint32_t depth = 0;
};

int cond_wait(sim::Execution& e, pthread_cond_t* c, pthread_mutex_t* m, const sim::Nanos* timeout, std::uintptr_t pc) {
  Context::here().sync(e);
  CondState& cs = table<CondState>().at(e, c, pc);
  MutexState& ms = mutex_state(e, m, pc);
  const sim::Location where = call_location(e, pc);
  if (ms.model.owner() != e.current_task() && !e.aborting()) {
    e.fail(sim::FailureKind::LockMisuse,
           e.task_name(e.current_task()) + " waits on condvar " + e.object_name(cs.id) + " without holding mutex " +
               e.object_name(ms.id),
           where);
    return EPERM;
  }
  HeldMutex held(ms);
  return cs.model.wait(e, cs.id, held, timeout, where) == std::cv_status::timeout ? ETIMEDOUT : 0;
}

// glibc keeps a condition variable's clock in bit 1 of __wrefs (pthread_condattr_setclock).
clockid_t clock_of(const pthread_cond_t* c) { return (c->__data.__wrefs & 2) != 0 ? CLOCK_MONOTONIC : CLOCK_REALTIME; }

}  // namespace

}  // namespace interpose

extern "C" int pthread_cond_init(pthread_cond_t* c, const pthread_condattr_t* attr) {
  const int r = real::pthread_cond_init.get()(c, attr);
  if (active_call() != nullptr) interpose::table<interpose::CondState>().forget(c);
  return r;
}

extern "C" int pthread_cond_destroy(pthread_cond_t* c) {
  if (active_call() != nullptr) {
    interpose::table<interpose::CondState>().forget(c);
    return 0;
  }
  return real::pthread_cond_destroy.get()(c);
}

extern "C" int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::pthread_cond_wait.get()(c, m);
  return interpose::cond_wait(*e, c, m, nullptr, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
}

extern "C" int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const timespec* abstime) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::pthread_cond_timedwait.get()(c, m, abstime);
  const sim::Nanos timeout = interpose::until(*e, interpose::clock_of(c), abstime);
  return interpose::cond_wait(*e, c, m, &timeout, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
}

extern "C" int pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock, const timespec* abstime) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::pthread_cond_clockwait.get()(c, m, clock, abstime);
  const sim::Nanos timeout = interpose::until(*e, clock, abstime);
  return interpose::cond_wait(*e, c, m, &timeout, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
}

extern "C" int pthread_cond_signal(pthread_cond_t* c) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::pthread_cond_signal.get()(c);
  interpose::Context::here().sync(*e);
  interpose::CondState& s = interpose::table<interpose::CondState>().at(*e, c, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
  s.model.notify_one(*e, s.id, interpose::call_location(*e, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0))));
  return 0;
}

extern "C" int pthread_cond_broadcast(pthread_cond_t* c) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::pthread_cond_broadcast.get()(c);
  interpose::Context::here().sync(*e);
  interpose::CondState& s = interpose::table<interpose::CondState>().at(*e, c, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
  s.model.notify_all(*e, s.id, interpose::call_location(*e, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0))));
  return 0;
}
