// The real libc functions behind the interposed ones, looked up with dlsym(RTLD_NEXT) on first use.
#pragma once

#include <pthread.h>
#include <semaphore.h>
#include <time.h>

namespace interpose::real {

// Resolves `name` (at `version` when given) in the libraries after the executable, or aborts
// with a message naming it: without the real function the program cannot run normally.
void* find(const char* name, const char* version = nullptr);

// One slot per real function: looked up once, then a relaxed load (a race between two first
// calls stores the same value twice).
template <class Fn>
struct Slot {
  const char* name;
  const char* version = nullptr;
  Fn* fn = nullptr;

  Fn* get() {
    Fn* f = __atomic_load_n(&fn, __ATOMIC_RELAXED);
    if (f == nullptr) [[unlikely]] {
      f = reinterpret_cast<Fn*>(find(name, version));
      __atomic_store_n(&fn, f, __ATOMIC_RELAXED);
    }
    return f;
  }
};

#define INTERPOSE_REAL(ret, name, params) inline Slot<ret params> name{#name};
#define INTERPOSE_REAL_V(ret, name, params, version) inline Slot<ret params> name{#name, version};

INTERPOSE_REAL(int, pthread_create, (pthread_t*, const pthread_attr_t*, void* (*)(void*), void*))
INTERPOSE_REAL(int, pthread_join, (pthread_t, void**))
INTERPOSE_REAL(int, pthread_detach, (pthread_t))
INTERPOSE_REAL(pthread_t, pthread_self, ())
INTERPOSE_REAL(int, pthread_equal, (pthread_t, pthread_t))
INTERPOSE_REAL(int, pthread_setname_np, (pthread_t, const char*))
INTERPOSE_REAL(int, pthread_getname_np, (pthread_t, char*, size_t))
INTERPOSE_REAL(int, pthread_mutex_init, (pthread_mutex_t*, const pthread_mutexattr_t*))
INTERPOSE_REAL(int, pthread_mutex_destroy, (pthread_mutex_t*))
INTERPOSE_REAL(int, pthread_mutex_lock, (pthread_mutex_t*))
INTERPOSE_REAL(int, pthread_mutex_trylock, (pthread_mutex_t*))
INTERPOSE_REAL(int, pthread_mutex_timedlock, (pthread_mutex_t*, const timespec*))
INTERPOSE_REAL(int, pthread_mutex_clocklock, (pthread_mutex_t*, clockid_t, const timespec*))
INTERPOSE_REAL(int, pthread_mutex_unlock, (pthread_mutex_t*))
INTERPOSE_REAL_V(int, pthread_cond_init, (pthread_cond_t*, const pthread_condattr_t*), "GLIBC_2.3.2")
INTERPOSE_REAL_V(int, pthread_cond_destroy, (pthread_cond_t*), "GLIBC_2.3.2")
INTERPOSE_REAL_V(int, pthread_cond_wait, (pthread_cond_t*, pthread_mutex_t*), "GLIBC_2.3.2")
INTERPOSE_REAL_V(int, pthread_cond_timedwait, (pthread_cond_t*, pthread_mutex_t*, const timespec*), "GLIBC_2.3.2")
INTERPOSE_REAL(int, pthread_cond_clockwait, (pthread_cond_t*, pthread_mutex_t*, clockid_t, const timespec*))
INTERPOSE_REAL_V(int, pthread_cond_signal, (pthread_cond_t*), "GLIBC_2.3.2")
INTERPOSE_REAL_V(int, pthread_cond_broadcast, (pthread_cond_t*), "GLIBC_2.3.2")
INTERPOSE_REAL(int, pthread_rwlock_init, (pthread_rwlock_t*, const pthread_rwlockattr_t*))
INTERPOSE_REAL(int, pthread_rwlock_destroy, (pthread_rwlock_t*))
INTERPOSE_REAL(int, pthread_rwlock_rdlock, (pthread_rwlock_t*))
INTERPOSE_REAL(int, pthread_rwlock_tryrdlock, (pthread_rwlock_t*))
INTERPOSE_REAL(int, pthread_rwlock_timedrdlock, (pthread_rwlock_t*, const timespec*))
INTERPOSE_REAL(int, pthread_rwlock_clockrdlock, (pthread_rwlock_t*, clockid_t, const timespec*))
INTERPOSE_REAL(int, pthread_rwlock_wrlock, (pthread_rwlock_t*))
INTERPOSE_REAL(int, pthread_rwlock_trywrlock, (pthread_rwlock_t*))
INTERPOSE_REAL(int, pthread_rwlock_timedwrlock, (pthread_rwlock_t*, const timespec*))
INTERPOSE_REAL(int, pthread_rwlock_clockwrlock, (pthread_rwlock_t*, clockid_t, const timespec*))
INTERPOSE_REAL(int, pthread_rwlock_unlock, (pthread_rwlock_t*))
INTERPOSE_REAL(int, pthread_once, (pthread_once_t*, void (*)()))
INTERPOSE_REAL(int, sem_init, (sem_t*, int, unsigned))
INTERPOSE_REAL(int, sem_destroy, (sem_t*))
INTERPOSE_REAL(int, sem_wait, (sem_t*))
INTERPOSE_REAL(int, sem_trywait, (sem_t*))
INTERPOSE_REAL(int, sem_timedwait, (sem_t*, const timespec*))
INTERPOSE_REAL(int, sem_clockwait, (sem_t*, clockid_t, const timespec*))
INTERPOSE_REAL(int, sem_post, (sem_t*))
INTERPOSE_REAL(int, sem_getvalue, (sem_t*, int*))
INTERPOSE_REAL(int, sched_yield, ())
INTERPOSE_REAL(int, nanosleep, (const timespec*, timespec*))
INTERPOSE_REAL(int, clock_nanosleep, (clockid_t, int, const timespec*, timespec*))
INTERPOSE_REAL(int, usleep, (useconds_t))
INTERPOSE_REAL(unsigned, sleep, (unsigned))
INTERPOSE_REAL(int, clock_gettime, (clockid_t, timespec*))
INTERPOSE_REAL(long, syscall, (long, long, long, long, long, long, long))

#undef INTERPOSE_REAL
#undef INTERPOSE_REAL_V

}  // namespace interpose::real
