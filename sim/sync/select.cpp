// select: ready cases chosen by the strategy, waiting on several channels at once, the real select.
#include "sim/sync/select.hpp"

#include <vector>

namespace sim::detail {

namespace {

bool any_ready(std::span<SelectCase* const> cases) {
  for (SelectCase* c : cases) {
    if (c->ready()) return true;
  }
  return false;
}

// The ready cases; when a channel committed a value to this select, only its receive cases.
std::vector<std::size_t> ready_cases(std::span<SelectCase* const> cases, ChannelCore* committed) {
  std::vector<std::size_t> ready;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (&cases[i]->core() == committed && !cases[i]->sends() && cases[i]->ready()) ready.push_back(i);
  }
  if (!ready.empty()) return ready;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (cases[i]->ready()) ready.push_back(i);
  }
  return ready;
}

// "select(recv jobs, send results)": the name of a waiting select, for deadlock stories.
std::string describe(Execution& e, std::span<SelectCase* const> cases) {
  std::string name = "select(";
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (i > 0) name += ", ";
    name += cases[i]->sends() ? "send " : "recv ";
    name += e.object_name(cases[i]->core().id());
  }
  return name + ")";
}

std::size_t select_simulated(Execution& e, std::span<SelectCase* const> cases, bool has_default, Location where) {
  for (SelectCase* c : cases) c->bind(e);
  e.schedule(OpKind::Select, no_object, where);
  SelectWaiter w(cases);
  ObjectId object = no_object;
  for (;;) {
    if (e.aborting()) return cases.size();
    const std::vector<std::size_t> ready = ready_cases(cases, w.committed_);
    w.committed_ = nullptr;
    if (!ready.empty()) {
      const std::size_t i = ready[e.choose_value(static_cast<std::uint32_t>(ready.size()))];
      cases[i]->perform(&e, nullptr);
      return i;
    }
    if (has_default) {
      e.publish(OpKind::Select, no_object, where);
      return cases.size();
    }
    // Wait, watched by every channel involved; the select is an object of its own, so a
    // deadlock story can name all of them.
    const TaskId me = e.current_task();
    if (object == no_object) {
      w.name_ = describe(e, cases);
      object = e.add_object(ObjectKind::Select, w.name_, where);
    }
    w.task_ = me;
    e.enlist(w.list_, me, Waiting{OpKind::Select, object, no_task, where});
    for (SelectCase* c : cases) c->core().watch(&w, !c->sends(), &e);
    w.watching_ = true;
    if (!any_ready(cases)) e.block(me);
    e.schedule(OpKind::Select, object, where);
    e.delist(w.list_, me);
    w.task_ = no_task;
    w.watching_ = false;
    for (SelectCase* c : cases) c->core().unwatch(&w, &e);
  }
}

std::size_t select_real(std::span<SelectCase* const> cases, bool has_default) {
  SelectWaiter w(cases);
  auto watch = [&](bool on) {
    for (SelectCase* c : cases) {
      std::lock_guard<std::mutex> lock(c->core().mutex());
      on ? c->core().watch(&w, !c->sends(), nullptr) : c->core().unwatch(&w, nullptr);
    }
  };
  // Watched from the start, so a change between a check and the wait is not missed.
  watch(true);
  for (;;) {
    std::uint64_t seen = 0;
    ChannelCore* committed = nullptr;
    {
      std::lock_guard<std::mutex> lock(w.mutex_);
      seen = w.version_;
      committed = std::exchange(w.committed_, nullptr);
    }
    // The committed channel first, then the cases in order (the OS decides the rest).
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t i = 0; i < cases.size(); ++i) {
        SelectCase* c = cases[i];
        if ((pass == 0) != (&c->core() == committed && !c->sends())) continue;
        std::unique_lock<std::mutex> lock(c->core().mutex());
        if (!c->ready()) continue;
        lock.unlock();
        watch(false);
        lock.lock();
        if (c->ready()) {
          c->perform(nullptr, &lock);
          return i;
        }
        lock.unlock();
        watch(true);
      }
    }
    if (has_default) {
      watch(false);
      return cases.size();
    }
    std::unique_lock<std::mutex> lock(w.mutex_);
    w.cv_.wait(lock, [&] { return w.version_ != seen; });
  }
}

}  // namespace

SelectWaiter::~SelectWaiter() {
  if (!watching_) return;
  for (SelectCase* c : cases_) c->core().drop(this);
}

void SelectWaiter::changed(Execution* e) {
  if (e != nullptr) {
    if (task_ == no_task) return;
    any_ready(cases_) ? e->unblock(task_) : e->block(task_);
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  ++version_;
  cv_.notify_all();
}

void SelectWaiter::commit(ChannelCore* c) {
  if (Execution::current() != nullptr) {
    committed_ = c;
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  committed_ = c;
  ++version_;
  cv_.notify_all();
}

std::size_t run_select(std::span<SelectCase* const> cases, bool has_default) {
  if (Execution* e = Execution::current()) {
    const Location where = cases.empty() ? Location{} : cases.front()->where();
    return select_simulated(*e, cases, has_default, where);
  }
  return select_real(cases, has_default);
}

}  // namespace sim::detail
