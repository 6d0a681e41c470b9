// SimState: the scenario's sim primitives made from its declarations, and reset per execution.
#include "lang/sim/sim_state.hpp"

#include <algorithm>

namespace lang {

namespace {

SimMutex make_mutex(const Variable& v, const std::string& name, sim::Location created) {
  SimMutex m;
  switch (v.flavour) {
    case Flavour::Recursive: m.recursive = std::make_unique<sim::RecursiveMutex>(name, created); break;
    case Flavour::Timed: m.timed = std::make_unique<sim::TimedMutex>(name, created); break;
    case Flavour::Plain:
    case Flavour::PreferWriters:  // never a mutex's (nor the next)
    case Flavour::Unbounded: m.plain = std::make_unique<sim::Mutex>(name, created); break;
  }
  return m;
}

}  // namespace

SimState::SimState(const Program& program)
    : cells(program.cell_names.size()), cell_ids(program.cell_names.size()), event_loop("event loop", sim::Location{program.path(), 0}) {
  for (const Variable& v : program.vars) {
    const sim::Location created = program.location(v.pos);
    for (std::uint32_t i = 0; i < v.size; ++i) {
      const std::string name = v.element_name(i);
      switch (v.kind) {
        case GlobalKind::Mutex: mutexes.push_back(make_mutex(v, name, created)); break;
        case GlobalKind::Condition: conditions.push_back(std::make_unique<sim::CondVar>(name, created)); break;
        case GlobalKind::Semaphore: semaphores.emplace_back(); break;
        case GlobalKind::Channel:
          channels.push_back(std::make_unique<sim::Channel<std::int64_t>>(name, v.limit < 0 ? sim::unbounded : static_cast<std::size_t>(v.limit), created));
          break;
        case GlobalKind::RwLock: {
          const sim::RwPrefer prefer = v.flavour == Flavour::PreferWriters ? sim::RwPrefer::Writers : sim::RwPrefer::Readers;
          rwlocks.push_back(std::make_unique<sim::RwLock>(name, sim::RwLockOptions{.prefer = prefer}, created));
          break;
        }
        case GlobalKind::Latch: latches.push_back(std::make_unique<sim::Latch>(v.initial, name, created)); break;
        case GlobalKind::Barrier: barriers.push_back(std::make_unique<sim::Barrier<>>(v.initial, name, created)); break;
        case GlobalKind::Shared:
        case GlobalKind::Atomic:
        case GlobalKind::Future:
        case GlobalKind::Pool: break;  // cells are values; futures and pools are made per execution
      }
    }
  }
  threads.resize(program.threads.size());
}

void SimState::reset(const Program& program) {
  std::copy(program.cell_initial.begin(), program.cell_initial.end(), cells.begin());
  std::fill(cell_ids.begin(), cell_ids.end(), sim::no_object);
  std::fill(threads.begin(), threads.end(), sim::no_task);
  for (const Variable& v : program.vars) {
    if (v.kind != GlobalKind::Semaphore) continue;
    for (std::uint32_t i = 0; i < v.size; ++i) semaphores[v.first + i] = SimSemaphore{v.initial, v.limit, sim::no_object, {}};
  }
  output = sim::no_object;
  atomic = sim::no_object;
}

}  // namespace lang
