// Context: per-execution reset, the deferred write event, and stable names for program memory.
#include "interpose/context.hpp"

#include <fmt/format.h>

#include <link.h>

#include <algorithm>
#include <iterator>
#include <utility>
#include <memory>
#include <mutex>
#include <unordered_set>

#include "interpose/accesses.hpp"
#include "interpose/locations.hpp"
#include "interpose/symbolizer.hpp"

namespace interpose {

namespace {

// One copy of each object name for the life of the process: objects of every execution, and the
// reports built after it (on any thread), refer to it without copying. Names are few (one per
// variable, allocation site and offset, or stack place), and made once per thread.
const std::string& lasting_name(std::string made) {
  static std::mutex lock;
  static auto* names = new std::unordered_set<std::string>;
  const std::lock_guard<std::mutex> hold(lock);
  return *names->insert(std::move(made)).first;
}

}  // namespace

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
    std::uintptr_t program_low = 0;
    std::uintptr_t program_high = 0;
    bool first = true;  // dl_iterate_phdr reports the executable first
  } hull;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* arg) {
        auto* h = static_cast<Hull*>(arg);
        const bool program = std::exchange(h->first, false);
        if (info->dlpi_tls_data == nullptr) return 0;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          if (info->dlpi_phdr[i].p_type != PT_TLS) continue;
          const auto begin = reinterpret_cast<std::uintptr_t>(info->dlpi_tls_data);
          h->low = std::min(h->low, begin);
          h->high = std::max(h->high, begin + info->dlpi_phdr[i].p_memsz);
          if (program) {
            h->program_low = begin;
            h->program_high = begin + info->dlpi_phdr[i].p_memsz;
          }
        }
        return 0;
      },
      &hull);
  tls_low_ = hull.low <= hull.high ? hull.low : 1;  // 1..0: nothing is thread-local
  tls_high_ = hull.low <= hull.high ? hull.high : 0;
  program_tls_low_ = hull.program_low;
  program_tls_high_ = hull.program_high;
}

void Context::thread_local_access(sim::Execution& e, std::uintptr_t address, std::uintptr_t pc) {
  if (address < program_tls_low_ || address >= program_tls_high_ || e.aborting() || !e.in_task()) return;
  sync(e);
  const std::uint32_t me = sim::index(e.current_task()) + 1;
  const std::uint32_t first = tls_users_.find(address);
  if (first == AddressMap::missing) {
    const Busy busy;
    tls_users_.insert(address, me);
    return;
  }
  if (first == me) return;
  sim::Location where;
  if (!access_location(e, pc, &where)) return;
  e.fail(sim::FailureKind::Unmodelled,
         e.task_name(e.current_task()) + " uses a thread_local that " + e.task_name(sim::TaskId{first - 1}) +
             " used first in this execution: every task of the simulation runs on one OS thread, so the tasks share "
             "one copy where the program gives each thread its own; the model cannot see the program's behaviour "
             "(docs/std.md, limits)",
         where);
}

void Context::grow_tasks(std::size_t n) {
  const Busy busy;
  tasks_.resize(n);
  running_epoch_ = 0;  // running_ pointed into the old storage
}

TaskData& Context::find_running(sim::Execution& e) {
  sync_epoch(e);
  // The simulator's own work outside any task's step (starting or concluding an execution) may
  // run the program's instrumented copy of an inline function (see docs/std.md): its frames are
  // nobody's.
  if (!e.in_task()) [[unlikely]] {
    outside_ = TaskData{};
    return outside_;
  }
  TaskData& d = task(e.current_task());
  running_ = &d;
  running_epoch_ = e.epoch();
  running_task_ = e.current_task();
  return d;
}

void Context::allocated(std::uintptr_t block, std::size_t size, sim::Location site, const char* how) {
  auto at = std::lower_bound(blocks_.begin(), blocks_.end(), block, [](const Block& b, std::uintptr_t a) { return b.start < a; });
  if (at != blocks_.end() && at->start == block) {
    *at = Block{block, size, site, how};
  } else {
    blocks_.insert(at, Block{block, size, site, how});
  }
}

void Context::freed(std::uintptr_t block, std::size_t size) {
  // The task wrote into the block and frees it before its next hook: read the value now.
  if (pending_.task != sim::no_task && !pending_.captured && pending_.size != 0 && pending_.address >= block &&
      pending_.address < block + size) {
    pending_.value = read_int(pending_.address, pending_.size);
    pending_.captured = true;
  }
  memory_.erase_range(block, block + size);
  ++generation_;
  auto at = std::lower_bound(blocks_.begin(), blocks_.end(), block, [](const Block& b, std::uintptr_t a) { return b.start < a; });
  if (at != blocks_.end() && at->start == block) blocks_.erase(at);
}

void Context::begin(sim::Execution& e) {
  const Busy busy;
  epoch_ = e.epoch();
  // The hooks are nothrow to the compiler that calls them: a stopping execution must not unwind
  // a task through one (std::terminate); it abandons the tasks instead.
  e.set_stop_by(sim::Execution::StopBy::Abandon);
  memory_.clear();
  pending_ = PendingWrite{};
  ++generation_;
  blocks_.clear();
  running_epoch_ = 0;
  tls_users_.clear();
}

void Context::flush(sim::Execution& e, std::uintptr_t live_floor) {
  const PendingWrite w = pending_;
  pending_ = PendingWrite{};
  // A write left pending by a task that has since ended (no hook ran after it) is dropped, and
  // so is one met by the simulator's own work outside any task's step.
  if (w.task != e.current_task() || e.aborting() || !e.in_task()) return;
  if (w.needless) return e.skip_event();
  if (w.captured) return publish_value(e, sim::OpKind::Write, w.object, w.where, w.value);
  // g++ tail-calls __tsan_func_exit after popping the frame: a local of the returning function
  // lies below the hook's frame by then, dead and perhaps reused. It was written; its value is
  // not shown.
  if (w.address < live_floor && live_floor - w.address <= e.stack_size()) {
    std::size_t depth = 0;
    if (e.stack_owner(reinterpret_cast<const void*>(w.address), &depth) == w.task) {
      return e.publish(sim::OpKind::Write, w.object, w.where);
    }
  }
  publish_access(e, sim::OpKind::Write, w.object, w.where, w.address, w.size);
}

sim::ObjectId Context::new_memory(sim::Execution& e, std::uintptr_t address, sim::ObjectKind kind, std::uintptr_t pc) {
  const Busy busy;
  const sim::ObjectId id = e.add_lasting_object(kind, name_for(e, address, pc), sim::Location{});
  memory_.insert(address, sim::index(id));
  return id;
}

const std::string& Context::local_name(std::uintptr_t pc, std::size_t depth, std::uintptr_t address) {
  auto [at, fresh] = locals_.try_emplace({pc, depth});
  if (fresh) at->second = local_on_this_stack(address);
  return at->second;
}

// Heap and stack names are cached by address and by what they were made of (the block and its
// site; the task, its name and the depth), which are the same whenever the same code runs.
template <class Make>
const std::string& Context::cached_name(std::uintptr_t address, std::uint64_t key, Make make) {
  std::uint32_t i = name_index_.find(address);
  if (i == AddressMap::missing) {
    i = static_cast<std::uint32_t>(name_cache_.size());
    name_cache_.emplace_back();
    name_index_.insert(address, i);
    name_cache_[i].key = ~key;
  }
  CachedName& c = name_cache_[i];
  if (c.key != key) {
    c.key = key;
    c.name = &lasting_name(make());
  }
  return *c.name;
}

// The name of a heap block's byte: "new@file:line", "+offset" past its start.
const std::string* Context::heap_name(std::uintptr_t address) {
  auto after = std::upper_bound(blocks_.begin(), blocks_.end(), address, [](std::uintptr_t a, const Block& b) { return a < b.start; });
  if (after == blocks_.begin()) return nullptr;
  const Block& block = *std::prev(after);
  if (address >= block.start + block.size) return nullptr;
  const HeapPlace place{block.how, block.site.file, block.site.line, address - block.start};
  const auto at = heap_names_.find(place);
  return at != heap_names_.end() ? at->second : &new_heap_name(place, block.site);
}

// Out of line: once per allocation site and offset, for the life of the thread.
const std::string& Context::new_heap_name(const HeapPlace& place, sim::Location site) {
  std::string name = fmt::format("{}@{}", place.how, sim::to_string(site));
  if (place.offset != 0) name += fmt::format("+{}", place.offset);
  return *heap_names_.emplace(place, &lasting_name(std::move(name))).first->second;
}

const std::string& Context::name_for(sim::Execution& e, std::uintptr_t address, std::uintptr_t pc) {
  const Busy busy;
  if (const std::string* heap = heap_name(address)) return *heap;
  std::uint32_t s = symbol_index_.find(address);
  if (s == AddressMap::missing) {
    s = static_cast<std::uint32_t>(symbols_.size());
    symbols_.push_back(&lasting_name(data_symbol(address)));
    symbol_index_.insert(address, s);
  }
  if (!symbols_[s]->empty()) return *symbols_[s];
  std::size_t depth = 0;
  const sim::TaskId owner = e.stack_owner(reinterpret_cast<const void*>(address), &depth);
  if (owner != sim::no_task) {
    const std::string& task = e.task_name(owner);
    const std::uint64_t key = ((std::hash<std::string>{}(task) * 31 + depth) * 31 + pc) * 2 + (owner == e.current_task());
    return cached_name(address, key, [&] {
      // The frames of the running task can be unwound to the variable; another task's cannot.
      std::string made = owner == e.current_task() ? local_name(pc, depth, address) : std::string();
      if (made.empty()) made = fmt::format("{}'s stack -{}", task, depth);
      return made;
    });
  }
  // Elsewhere (the heap, the test's own frames): no name that every execution would agree on;
  // the story calls it by its kind and number.
  static const std::string& none = lasting_name("");
  return none;
}

}  // namespace interpose
