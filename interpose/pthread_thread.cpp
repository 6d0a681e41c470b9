// pthread threads: creating, joining and detaching tasks; their handles and names.
#include <cerrno>
#include <cstring>

#include "interpose/accesses.hpp"
#include "interpose/context.hpp"
#include "interpose/locations.hpp"
#include "interpose/real.hpp"

namespace interpose {

namespace {

// pthread_exit inside a task: unwinds the start routine like glibc's forced unwinding does.
struct ThreadExit {
  void* result;
};

int create(sim::Execution& e, pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*), void* arg,
           std::uintptr_t pc) {
  Context& c = Context::here();
  c.sync(e);
  const sim::Location where = call_location(e, pc);
  if (!instrumented_code.load(std::memory_order_relaxed)) [[unlikely]] {
    e.fail(sim::FailureKind::Unmodelled,
           e.task_name(e.current_task()) +
               " starts a thread, but no code of this program was compiled with -fsanitize=thread: the threads' "
               "memory accesses are not seen, so their races could not be found (with link-time optimisation, "
               "compile the code under test with -fno-lto too, as the interleave_std dependency does)",
           where);
    return EAGAIN;
  }
  const sim::TaskId t = e.spawn({}, where);
  if (t == sim::no_task) return EAGAIN;  // the execution is stopping, or the task limit was reached
  int detach_state = PTHREAD_CREATE_JOINABLE;
  if (attr != nullptr) pthread_attr_getdetachstate(attr, &detach_state);
  c.task(t).detached = detach_state == PTHREAD_CREATE_DETACHED;
  e.body_of(t).emplace([start, arg, t] {
    void* result = nullptr;
    try {
      result = start(arg);
    } catch (const ThreadExit& exit) {
      result = exit.result;
    }
    Context::here().task(t).result = result;
  });
  *thread = handle_of(t);
  return 0;
}

// A handle this execution gave out, or no_task.
sim::TaskId task_in(sim::Execution& e, pthread_t h) {
  if (!is_task_handle(h)) return sim::no_task;
  const sim::TaskId t = task_of(h);
  return sim::index(t) < e.task_count() ? t : sim::no_task;
}

int join(sim::Execution& e, pthread_t h, void** result, std::uintptr_t pc) {
  Context& c = Context::here();
  c.sync(e);
  const sim::TaskId t = task_in(e, h);
  const sim::Location where = call_location(e, pc);
  if (t == sim::no_task) {
    e.fail(sim::FailureKind::Unmodelled,
           e.task_name(e.current_task()) +
               " joins a thread that was not started in this execution: a thread started before the simulation runs "
               "outside it, and the model cannot see what it does",
           where);
    return ESRCH;
  }
  TaskData& d = c.task(t);
  if (d.detached || d.joined) return EINVAL;
  d.joined = true;
  e.join(t, where);
  if (result != nullptr) *result = c.task(t).result;
  return 0;
}

}  // namespace

}  // namespace interpose

using interpose::active_call;
namespace real = interpose::real;

extern "C" int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*), void* arg) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::pthread_create.get()(thread, attr, start, arg);
  return interpose::create(*e, thread, attr, start, arg, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
}

extern "C" int pthread_join(pthread_t thread, void** result) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::pthread_join.get()(thread, result);
  return interpose::join(*e, thread, result, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
}

extern "C" int pthread_detach(pthread_t thread) {
  sim::Execution* e = active_call();
  if (e == nullptr || !interpose::is_task_handle(thread)) return real::pthread_detach.get()(thread);
  const sim::TaskId t = interpose::task_in(*e, thread);
  if (t == sim::no_task) return ESRCH;
  interpose::Context::here().sync(*e);
  interpose::Context::here().task(t).detached = true;
  return 0;
}

extern "C" pthread_t pthread_self() {
  sim::Execution* e = active_call();
  if (e == nullptr) return real::pthread_self.get()();
  return interpose::handle_of(e->current_task());
}

extern "C" [[noreturn]] void pthread_exit(void* result) {
  if (active_call() != nullptr) throw interpose::ThreadExit{result};
  using Exit = void (*)(void*);
  reinterpret_cast<Exit>(interpose::real::find("pthread_exit"))(result);
  __builtin_unreachable();
}

extern "C" int pthread_setname_np(pthread_t thread, const char* name) {
  sim::Execution* e = active_call();
  if (e == nullptr || !interpose::is_task_handle(thread)) return real::pthread_setname_np.get()(thread, name);
  const sim::TaskId t = interpose::task_in(*e, thread);
  if (t == sim::no_task) return ESRCH;
  if (std::strlen(name) > 15) return ERANGE;  // as glibc: 16 bytes with the terminating zero
  e->rename_task(t, name);
  return 0;
}

extern "C" int pthread_getname_np(pthread_t thread, char* buffer, size_t size) {
  sim::Execution* e = active_call();
  if (e == nullptr || !interpose::is_task_handle(thread)) return real::pthread_getname_np.get()(thread, buffer, size);
  const sim::TaskId t = interpose::task_in(*e, thread);
  if (t == sim::no_task) return ESRCH;
  const std::string& name = e->task_name(t);
  if (name.size() + 1 > size) return ERANGE;
  std::memcpy(buffer, name.c_str(), name.size() + 1);
  return 0;
}
