// Context: per-execution reset, the deferred write event, and stable names for program memory.
#include "interpose/context.hpp"

#include <fmt/format.h>

#include <link.h>

#include <algorithm>
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

void Context::find_tls() {
  const Busy busy;
  struct Hull {
    std::uintptr_t low = ~std::uintptr_t{0};
    std::uintptr_t high = 0;
  } hull;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* arg) {
        auto* h = static_cast<Hull*>(arg);
        if (info->dlpi_tls_data == nullptr) return 0;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          if (info->dlpi_phdr[i].p_type != PT_TLS) continue;
          const auto begin = reinterpret_cast<std::uintptr_t>(info->dlpi_tls_data);
          h->low = std::min(h->low, begin);
          h->high = std::max(h->high, begin + info->dlpi_phdr[i].p_memsz);
        }
        return 0;
      },
      &hull);
  tls_low_ = hull.low <= hull.high ? hull.low : 1;  // 1..0: nothing is thread-local
  tls_high_ = hull.low <= hull.high ? hull.high : 0;
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

sim::ObjectId Context::new_memory(sim::Execution& e, std::uintptr_t address, sim::ObjectKind kind, std::uintptr_t pc) {
  const Busy busy;
  const sim::ObjectId id = e.add_object(kind, name_for(e, address, pc), sim::Location{});
  memory_.insert(address, sim::index(id));
  return id;
}

const std::string& Context::local_name(std::uintptr_t pc, std::size_t depth, std::uintptr_t address) {
  auto [at, fresh] = locals_.try_emplace({pc, depth});
  if (fresh) at->second = local_on_this_stack(address);
  return at->second;
}

const std::string& Context::name_for(sim::Execution& e, std::uintptr_t address, std::uintptr_t pc) {
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
    // The frames of the running task can be unwound to the variable; another task's cannot.
    if (owner == e.current_task()) name = local_name(pc, depth, address);
    if (name.empty()) name = fmt::format("{}'s stack -{}", e.task_name(owner), depth);
  }
  // Elsewhere (the heap, the test's own frames): no name that every execution would agree on;
  // the story calls it by its kind and number.
  return name;
}

}  // namespace interpose
