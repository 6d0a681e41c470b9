// pthread_once, read-write locks and POSIX semaphores, on the simulator's lock models.
#include <semaphore.h>

#include <cerrno>
#include <climits>
#include <mutex>
#include <optional>

#include "interpose/clock.hpp"
#include "interpose/context.hpp"
#include "interpose/locations.hpp"
#include "interpose/real.hpp"
#include "interpose/sync_table.hpp"
#include "sim/sync/mutex_variants.hpp"
#include "sim/sync/rwlock.hpp"
#include "sim/sync/semaphore.hpp"
#include "sim/time/time.hpp"

namespace interpose {

namespace {

std::uintptr_t caller(void* pc) { return reinterpret_cast<std::uintptr_t>(pc); }

// A once-control is a lock around the first call of its routine: a second caller waits for
// the first to finish (and sees what it did), later ones pass.
struct OnceState {
  sim::ObjectId id = sim::no_object;
  sim::detail::LockModel model;
  std::optional<bool> done;  // read from the real control at its first use in the execution
  void begin(sim::Execution& e, const std::string& name, const void*) {
    model.reset();
    done.reset();
    id = e.add_lasting_object(sim::ObjectKind::Mutex, name, sim::Location{});
  }
};

int once(sim::Execution& e, pthread_once_t* control, void (*routine)(), std::uintptr_t pc) {
  // std::call_once hands libstdc++'s __once_proxy its callable through two thread-locals of the
  // OS thread, which another task may overwrite while this one waits: keep this task's.
  void* const callable = std::__once_callable;
  void (*const call)() = std::__once_call;
  Context::here().sync(e);
  OnceState& s = table<OnceState>().at(e, control, pc);
  // glibc marks a finished control with bit 1 (a program that ran it before the simulation).
  if (!s.done) s.done = (__atomic_load_n(control, __ATOMIC_ACQUIRE) & 2) != 0;
  const sim::Location where = call_location(e, pc);
  s.model.lock(e, s.id, where);
  if (!*s.done) {
    std::__once_callable = callable;
    std::__once_call = call;
    try {
      routine();
    } catch (...) {
      s.model.unlock(e, s.id, where);  // an exception leaves the control to the next caller
      throw;
    }
    s.done = true;
  }
  s.model.unlock(e, s.id, where);
  return 0;
}

// The RwLock names its own object at its first operation.
struct RwState {
  std::optional<sim::RwLock> lock;
  sim::TaskId writer = sim::no_task;
  void begin(sim::Execution&, const std::string& name, const void*) {
    // glibc's default prefers readers, as std::shared_mutex does.
    lock.emplace(name, sim::RwLock::Options{.prefer = sim::RwPrefer::Readers}, sim::Location{});
    writer = sim::no_task;
  }
};

RwState& rw_state(sim::Execution& e, pthread_rwlock_t* rw, std::uintptr_t pc) {
  Context::here().sync(e);
  return table<RwState>().at(e, rw, pc);
}

// A timed rwlock wait: one try, then (if it failed) a wait of the whole timeout in virtual time
// and a second try; the lock being released in between does not end the wait early.
template <class Try>
int timed(sim::Execution& e, sim::Nanos timeout, sim::Location where, Try attempt) {
  if (attempt()) return 0;
  sim::sleep_for(sim::Duration(timeout), where);
  (void)e;
  return attempt() ? 0 : ETIMEDOUT;
}

// The model names its own object at its first operation; it starts with the count sem_init gave,
// or the real semaphore's count when it was set up before the simulation.
struct SemState {
  std::optional<sim::detail::SemaphoreModel> model;
  const std::string* name = nullptr;
  void begin(sim::Execution&, const std::string& n, const void* address) {
    name = &n;
    int value = 0;
    real::sem_getvalue.get()(static_cast<sem_t*>(const_cast<void*>(address)), &value);
    model.emplace(n, value, SEM_VALUE_MAX, sim::Location{});
  }
};

sim::detail::SemaphoreModel& sem_state(sim::Execution& e, sem_t* sem, std::uintptr_t pc, std::optional<unsigned> initial = {}) {
  Context::here().sync(e);
  SemState& s = table<SemState>().at(e, sem, pc);
  if (initial) s.model.emplace(*s.name, static_cast<std::ptrdiff_t>(*initial), SEM_VALUE_MAX, sim::Location{});
  return *s.model;
}

int sem_timed(sim::Execution& e, sem_t* sem, clockid_t clock, const timespec* abstime, std::uintptr_t pc) {
  sim::detail::SemaphoreModel& m = sem_state(e, sem, pc);
  const sim::Location where = call_location(e, pc);
  if (m.try_acquire_for(e, until(e, clock, abstime), where)) return 0;
  errno = ETIMEDOUT;
  return -1;
}

}  // namespace

}  // namespace interpose

using interpose::active_call;
using interpose::caller;
namespace real = interpose::real;

extern "C" int pthread_once(pthread_once_t* control, void (*routine)()) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::pthread_once.get()(control, routine);
  return interpose::once(*e, control, routine, caller(__builtin_return_address(0)));
}

// --- read-write locks ---

extern "C" int pthread_rwlock_init(pthread_rwlock_t* rw, const pthread_rwlockattr_t* attr) {
  const int r = real::pthread_rwlock_init.get()(rw, attr);
  if (active_call() != nullptr) interpose::table<interpose::RwState>().forget(rw);
  return r;
}

extern "C" int pthread_rwlock_destroy(pthread_rwlock_t* rw) {
  if (active_call() == nullptr) return real::pthread_rwlock_destroy.get()(rw);
  interpose::table<interpose::RwState>().forget(rw);
  return 0;
}

#define INTERPOSE_RW(name, call_args, body)                                                         \
  extern "C" int pthread_rwlock_##name call_args {                                                  \
    sim::Execution* e = active_call();                                                              \
    if (e == nullptr) return real::pthread_rwlock_##name.get() REAL_ARGS;                           \
    interpose::RwState& s = interpose::rw_state(*e, rw, caller(__builtin_return_address(0)));                                            \
    const sim::Location where = interpose::call_location(*e, caller(__builtin_return_address(0)));  \
    body                                                                                            \
  }

#define REAL_ARGS (rw)
// Locking again what the task holds for writing: glibc's answers (EDEADLK, or EBUSY for a try).
INTERPOSE_RW(rdlock, (pthread_rwlock_t * rw), if (s.writer == e->current_task()) return EDEADLK;
             s.lock->lock_shared(where); return 0;)
INTERPOSE_RW(tryrdlock, (pthread_rwlock_t * rw), if (s.writer == e->current_task()) return EBUSY;
             return s.lock->try_lock_shared(where) ? 0 : EBUSY;)
INTERPOSE_RW(wrlock, (pthread_rwlock_t * rw), if (s.writer == e->current_task()) return EDEADLK;
             s.lock->lock(where); s.writer = e->current_task(); return 0;)
INTERPOSE_RW(trywrlock, (pthread_rwlock_t * rw), if (s.writer == e->current_task()) return EBUSY;
             if (!s.lock->try_lock(where)) return EBUSY; s.writer = e->current_task(); return 0;)
INTERPOSE_RW(unlock, (pthread_rwlock_t * rw), if (s.writer == e->current_task()) {
  s.writer = sim::no_task;
  s.lock->unlock(where);
} else {
  s.lock->unlock_shared(where);
} return 0;)
#undef REAL_ARGS
#define REAL_ARGS (rw, abstime)
INTERPOSE_RW(timedrdlock, (pthread_rwlock_t * rw, const timespec* abstime),
             return interpose::timed(*e, interpose::until(*e, CLOCK_REALTIME, abstime), where,
                                     [&] { return s.lock->try_lock_shared(where); });)
INTERPOSE_RW(timedwrlock, (pthread_rwlock_t * rw, const timespec* abstime),
             const int r = interpose::timed(*e, interpose::until(*e, CLOCK_REALTIME, abstime), where,
                                            [&] { return s.lock->try_lock(where); });
             if (r == 0) s.writer = e->current_task(); return r;)
#undef REAL_ARGS
#define REAL_ARGS (rw, clock, abstime)
INTERPOSE_RW(clockrdlock, (pthread_rwlock_t * rw, clockid_t clock, const timespec* abstime),
             return interpose::timed(*e, interpose::until(*e, clock, abstime), where,
                                     [&] { return s.lock->try_lock_shared(where); });)
INTERPOSE_RW(clockwrlock, (pthread_rwlock_t * rw, clockid_t clock, const timespec* abstime),
             const int r = interpose::timed(*e, interpose::until(*e, clock, abstime), where,
                                            [&] { return s.lock->try_lock(where); });
             if (r == 0) s.writer = e->current_task(); return r;)
#undef REAL_ARGS
#undef INTERPOSE_RW

// --- POSIX semaphores ---

extern "C" int sem_init(sem_t* sem, int shared, unsigned value) {
  const int r = real::sem_init.get()(sem, shared, value);
  if (sim::Execution* e = active_call(); e != nullptr && r == 0) interpose::sem_state(*e, sem, caller(__builtin_return_address(0)), value);
  return r;
}

extern "C" int sem_destroy(sem_t* sem) {
  if (active_call() == nullptr) return real::sem_destroy.get()(sem);
  interpose::table<interpose::SemState>().forget(sem);
  return 0;
}

extern "C" int sem_post(sem_t* sem) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::sem_post.get()(sem);
  interpose::sem_state(*e, sem, caller(__builtin_return_address(0))).release(*e, 1, interpose::call_location(*e, caller(__builtin_return_address(0))));
  return 0;
}

extern "C" int sem_wait(sem_t* sem) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::sem_wait.get()(sem);
  interpose::sem_state(*e, sem, caller(__builtin_return_address(0))).acquire(*e, interpose::call_location(*e, caller(__builtin_return_address(0))));
  return 0;
}

extern "C" int sem_trywait(sem_t* sem) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::sem_trywait.get()(sem);
  if (interpose::sem_state(*e, sem, caller(__builtin_return_address(0))).try_acquire(*e, interpose::call_location(*e, caller(__builtin_return_address(0))))) return 0;
  errno = EAGAIN;
  return -1;
}

extern "C" int sem_timedwait(sem_t* sem, const timespec* abstime) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::sem_timedwait.get()(sem, abstime);
  return interpose::sem_timed(*e, sem, CLOCK_REALTIME, abstime, caller(__builtin_return_address(0)));
}

extern "C" int sem_clockwait(sem_t* sem, clockid_t clock, const timespec* abstime) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::sem_clockwait.get()(sem, clock, abstime);
  return interpose::sem_timed(*e, sem, clock, abstime, caller(__builtin_return_address(0)));
}

extern "C" int sem_getvalue(sem_t* sem, int* value) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::sem_getvalue.get()(sem, value);
  *value = static_cast<int>(interpose::sem_state(*e, sem, caller(__builtin_return_address(0))).value(*e));
  return 0;
}
