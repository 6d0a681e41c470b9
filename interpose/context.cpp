// Context: per-execution reset, the deferred write event, and stable names for program memory.
#include "interpose/context.hpp"

#include <fmt/format.h>

#include <iterator>
#include <memory>

#include "interpose/accesses.hpp"
#include "interpose/symbolizer.hpp"

namespace interpose {

Context* Context::make() {
  const Busy busy;
  static thread_local std::unique_ptr<Context> owner;
  owner = std::make_unique<Context>();
  current_ = owner.get();
  return current_;
}

void Context::grow_tasks(std::size_t n) {
  const Busy busy;
  tasks_.resize(n);
}

void Context::begin(sim::Execution& e) {
  const Busy busy;
  epoch_ = e.epoch();
  // The hooks are nothrow to the compiler that calls them: a stopping execution must not unwind
  // a task through one (std::terminate); it abandons the tasks instead.
  e.set_stop_by(sim::Execution::StopBy::Abandon);
  memory_.clear();
  names_used_ = 0;
  pending_ = PendingWrite{};
  blocks_.clear();
}

void Context::flush(sim::Execution& e) {
  const PendingWrite w = pending_;
  pending_.size = 0;
  // A write left pending by a task that has since ended (no hook ran after it) is dropped.
  if (w.task != e.current_task() || e.aborting()) return;
  publish_access(e, sim::OpKind::Write, w.object, w.where, w.address, w.size);
}

sim::ObjectId Context::new_memory(sim::Execution& e, std::uintptr_t address, sim::ObjectKind kind) {
  const Busy busy;
  const sim::ObjectId id = e.add_object(kind, name_for(e, address), sim::Location{});
  memory_.insert(address, sim::index(id));
  return id;
}

const std::string& Context::name_for(sim::Execution& e, std::uintptr_t address) {
  const Busy busy;
  if (names_used_ == names_.size()) names_.emplace_back();
  std::string& name = names_[names_used_++];
  name.clear();
  std::uint32_t s = symbol_index_.find(address);
  if (s == AddressMap::missing) {
    s = static_cast<std::uint32_t>(symbols_.size());
    symbols_.push_back(data_symbol(address));
    symbol_index_.insert(address, s);
  }
  if (!symbols_[s].empty()) {
    name = symbols_[s];
    return name;
  }
  if (auto after = blocks_.upper_bound(address); after != blocks_.begin()) {
    const auto& [start, block] = *std::prev(after);
    if (address < start + block.size) {
      name = fmt::format("new@{}", sim::to_string(block.site));
      if (address != start) name += fmt::format("+{}", address - start);
      return name;
    }
  }
  std::size_t depth = 0;
  const sim::TaskId owner = e.stack_owner(reinterpret_cast<const void*>(address), &depth);
  if (owner != sim::no_task) {
    name = fmt::format("{}'s stack -{}", e.task_name(owner), depth);
  }
  // Elsewhere (the heap, the test's own frames): no name that every execution would agree on;
  // the story calls it by its kind and number.
  return name;
}

}  // namespace interpose
