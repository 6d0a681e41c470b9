// Thread: a simulated task inside a simulation, a std::thread outside one.
#pragma once

#include <string_view>
#include <thread>
#include <utility>

#include "sim/core/execution.hpp"

namespace sim {

namespace detail {
void run_real_thread(Body& body);  // runs a body on a real thread, reporting exceptions
}

class Thread {
 public:
  Thread() noexcept = default;
  template <class F>
  explicit Thread(F&& f, std::string_view name = {}, Location where = Location::here());
  Thread(Thread&& other) noexcept;
  Thread& operator=(Thread&& other) noexcept;
  ~Thread();

  void join(Location where = Location::here());
  void detach();
  bool joinable() const;

 private:
  void misuse(const char* what, Location where);
  // Out of line, so that destroying a joined thread costs a test.
  [[gnu::cold, gnu::noinline]] void destroyed_joinable();
  [[gnu::cold, gnu::noinline]] static void not_joinable(Execution& e, Location where);

  std::thread real_;
  Execution* exec_ = nullptr;
  std::uint64_t epoch_ = 0;
  TaskId task_ = no_task;
  Location spawned_;
};

// A scheduling point that does nothing else: lets the strategy switch to another task.
void yield(Location where = Location::here());

template <class F>
Thread::Thread(F&& f, std::string_view name, Location where) : spawned_(where) {
  if (Execution* e = Execution::current()) {
    TaskId t = e->spawn(name, where);
    if (t == no_task) return;
    e->body_of(t).emplace(std::forward<F>(f));
    e->open_handle(t);
    exec_ = e;
    epoch_ = e->epoch();
    task_ = t;
  } else {
    real_ = std::thread([fn = std::forward<F>(f)]() mutable {
      Body body;
      body.emplace(std::move(fn));
      detail::run_real_thread(body);
    });
  }
}

}  // namespace sim
