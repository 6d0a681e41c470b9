// Fiber: a stackful coroutine on a pooled, guard-paged stack; the only place that switches stacks.
//
// How this works: every fiber (and the OS thread's own stack, the "home" fiber) keeps the
// Boost.Context continuation it was suspended in. `switch_to(from, to)` resumes `to` directly,
// without passing through a scheduler context, and whoever resumes `from` later hands back
// the continuation of the fiber it left. A fiber's entry runs for its whole life: callers reuse
// a fiber for many tasks instead of creating and destroying one per task (destroying a
// suspended Boost fiber unwinds it by exception, which costs ~0.75 us).
#pragma once

#include <cstddef>
#include <memory>

namespace sim {

class Fiber {
 public:
  using Entry = void (*)(void* arg);

  // A fiber for the calling OS thread's own stack; it is never entered, only left and resumed.
  Fiber();
  // A fiber that will run entry(arg) when first switched to. When entry returns, control goes
  // to the fiber named by `exit_to` (set before returning).
  Fiber(Entry entry, void* arg, std::size_t stack_size);
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Suspend `from` (the running fiber) and run `to`.
  static void switch_to(Fiber& from, Fiber& to);

  // The fiber that runs once this fiber's entry returns; must be set before the entry returns.
  void exit_to(Fiber& next) { exit_to_ = &next; }
  bool started() const;
  std::size_t stack_size() const;

  struct State;

 private:
  std::unique_ptr<State> state_;
  Fiber* exit_to_ = nullptr;
};

}  // namespace sim
