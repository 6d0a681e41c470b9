// The std front end: the pthread API from C-style code: threads with results, detached threads,
// mutex types and their errors, timed condition waits, read-write locks, pthread_once, POSIX
// semaphores, thread names.
#include <pthread.h>
#include <semaphore.h>

#include <cerrno>
#include <ctime>

#include "interleave/doctest.hpp"

namespace {

void* square(void* arg) {
  const long x = reinterpret_cast<long>(arg);
  return reinterpret_cast<void*>(x * x);
}

}  // namespace

TEST_CASE("pthread_create and pthread_join pass a result back; pthread_self names the running task") {
  auto body = [] {
    pthread_t t;
    sim::check(pthread_create(&t, nullptr, &square, reinterpret_cast<void*>(7)) == 0, "create");
    void* result = nullptr;
    sim::check(pthread_join(t, &result) == 0 && reinterpret_cast<long>(result) == 49, "join result");
    sim::check(!pthread_equal(t, pthread_self()), "distinct handles");
    sim::check(pthread_join(t, nullptr) == EINVAL, "joined twice");
  };
  sim::require_no_failure(body, {.iterations = 20});
}

TEST_CASE("a detached thread runs to its end; pthread_exit ends a thread with its result") {
  auto body = [] {
    static int done;
    done = 0;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    pthread_create(&t, &attr, [](void*) -> void* {
      __atomic_store_n(&done, 1, __ATOMIC_SEQ_CST);
      return nullptr;
    }, nullptr);
    pthread_attr_destroy(&attr);
    pthread_t u;
    pthread_create(&u, nullptr, [](void*) -> void* {
      pthread_exit(reinterpret_cast<void*>(5));
    }, nullptr);
    void* r = nullptr;
    pthread_join(u, &r);
    sim::check(reinterpret_cast<long>(r) == 5, "pthread_exit result");
  };
  sim::require_no_failure(body, {.iterations = 50});
}

TEST_CASE("mutex types: a recursive mutex relocks, an error-checking one reports, timedlock times out") {
  auto body = [] {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_t rec;
    pthread_mutex_init(&rec, &attr);
    sim::check(pthread_mutex_lock(&rec) == 0 && pthread_mutex_lock(&rec) == 0, "recursive relock");
    sim::check(pthread_mutex_unlock(&rec) == 0 && pthread_mutex_unlock(&rec) == 0, "recursive unlock");
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_t checked;
    pthread_mutex_init(&checked, &attr);
    sim::check(pthread_mutex_unlock(&checked) == EPERM, "unlock of an unlocked error-checking mutex");
    pthread_mutex_lock(&checked);
    sim::check(pthread_mutex_lock(&checked) == EDEADLK, "relock of an error-checking mutex");
    sim::check(pthread_mutex_trylock(&checked) == EBUSY, "trylock of a held mutex");
    pthread_mutex_unlock(&checked);
    pthread_mutexattr_destroy(&attr);
    static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&held);
    pthread_t t;
    pthread_create(&t, nullptr, [](void*) -> void* {
      timespec now;
      clock_gettime(CLOCK_REALTIME, &now);
      now.tv_sec += 5;
      return reinterpret_cast<void*>(static_cast<long>(pthread_mutex_timedlock(&held, &now)));
    }, nullptr);
    void* r = nullptr;
    pthread_join(t, &r);  // `held` stays locked: the timed lock can only time out
    sim::check(reinterpret_cast<long>(r) == ETIMEDOUT, "timedlock");
    pthread_mutex_unlock(&held);
  };
  sim::require_no_failure(body, {.iterations = 50});
}

TEST_CASE("pthread_cond_timedwait times out on virtual time, pthread_cond_signal ends it earlier") {
  static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
  static int flag;
  auto body = [] {
    flag = 0;
    pthread_t t;
    pthread_create(&t, nullptr, [](void*) -> void* {
      pthread_mutex_lock(&m);
      flag = 1;
      pthread_cond_signal(&cv);
      pthread_mutex_unlock(&m);
      return nullptr;
    }, nullptr);
    pthread_mutex_lock(&m);
    timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 60;
    int r = 0;
    while (flag == 0 && r == 0) r = pthread_cond_timedwait(&cv, &m, &until);
    sim::check(flag == 1 || r == ETIMEDOUT, "woken without the flag or a timeout");
    pthread_mutex_unlock(&m);
    pthread_join(t, nullptr);
  };
  sim::require_no_failure(body, {.iterations = 300});
}

TEST_CASE("rwlock: readers together, the writer alone; unlocking tells the two apart") {
  static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
  static int value;
  auto body = [] {
    value = 0;
    auto reader = [](void*) -> void* {
      pthread_rwlock_rdlock(&rw);
      const int v = value;
      pthread_rwlock_unlock(&rw);
      return reinterpret_cast<void*>(static_cast<long>(v));
    };
    pthread_t a, b, w;
    pthread_create(&a, nullptr, reader, nullptr);
    pthread_create(&b, nullptr, reader, nullptr);
    pthread_create(&w, nullptr, [](void*) -> void* {
      pthread_rwlock_wrlock(&rw);
      value = 1;
      pthread_rwlock_unlock(&rw);
      return nullptr;
    }, nullptr);
    pthread_join(a, nullptr);
    pthread_join(b, nullptr);
    pthread_join(w, nullptr);
    sim::check(pthread_rwlock_trywrlock(&rw) == 0, "free at the end");
    sim::check(pthread_rwlock_tryrdlock(&rw) == EBUSY, "held for writing");
    pthread_rwlock_unlock(&rw);
  };
  sim::CheckOptions o{.iterations = 300};
  o.limits.plain_accesses = sim::ExecutionLimits::PlainAccesses::Switch;
  sim::require_no_failure(body, o);
}

TEST_CASE("pthread_once and POSIX semaphores") {
  static pthread_once_t once;
  static int inits;
  static sem_t sem;
  auto body = [] {
    once = PTHREAD_ONCE_INIT;
    inits = 0;
    sem_init(&sem, 0, 0);
    auto worker = [](void*) -> void* {
      pthread_once(&once, [] { ++inits; });
      sem_post(&sem);
      return nullptr;
    };
    pthread_t a, b;
    pthread_create(&a, nullptr, worker, nullptr);
    pthread_create(&b, nullptr, worker, nullptr);
    sem_wait(&sem);
    sem_wait(&sem);
    int left = -1;
    sem_getvalue(&sem, &left);
    sim::check(left == 0 && sem_trywait(&sem) == -1 && errno == EAGAIN, "semaphore count");
    sim::check(inits == 1, "once");
    pthread_join(a, nullptr);
    pthread_join(b, nullptr);
    sem_destroy(&sem);
  };
  sim::require_no_failure(body, {.iterations = 300});
}

TEST_CASE("joining a thread started before the simulation is reported as something the model cannot see") {
  static pthread_t outside;
  pthread_create(&outside, nullptr, [](void*) -> void* { return nullptr; }, nullptr);
  auto body = [] { pthread_join(outside, nullptr); };
  sim::Report r = sim::check_random(body, {.iterations = 1});
  const sim::Failure* f = r.find(sim::FailureKind::Unmodelled);
  REQUIRE(f != nullptr);
  CHECK(f->message.find("started before the simulation") != std::string::npos);
  pthread_join(outside, nullptr);
}
