// Context: what the std front end keeps per OS thread: the execution it serves, each task's
// call stack and thread handle, and the program's memory and sync objects by address.
//
// How this works: code compiled with -fsanitize=thread calls a __tsan_* hook before each memory
// access and around each function; libstdc++ and C code call pthread functions and the futex
// system call, which the executable defines before libc. Each hook asks `active()`: outside a
// simulation (or inside this library's own work) it does what the real program would; inside
// one it becomes an operation of the running task, on a sim object found by the program
// object's address. Tables keyed by address are emptied at the start of every execution, so an
// address reused by another object in a later execution starts afresh.
#pragma once

#include <pthread.h>

#include <cerrno>

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "interpose/address_map.hpp"
#include "sim/core/execution.hpp"
#include "sim/core/watched.hpp"

namespace interpose {

// Set while this library works for itself (symbolizing, naming): pthread calls made meanwhile
// (libdw's locks, say) go to the real functions. Never held across a scheduling point.
inline constinit thread_local int t_busy = 0;

// errno is the OS thread's, shared by every task: this library's own calls (libdw reading debug
// information) must leave it as the program set it.
struct Busy {
  Busy() : saved_errno(errno) { ++t_busy; }
  ~Busy() {
    --t_busy;
    errno = saved_errno;
  }
  int saved_errno;
  Busy(const Busy&) = delete;
  Busy& operator=(const Busy&) = delete;
};

// The execution whose running task made the call, or null: run the real function.
[[gnu::always_inline]] inline sim::Execution* active() {
  sim::Execution* e = sim::watched_execution();
  if (e == nullptr || t_busy != 0) return nullptr;
  return e;
}

// As active(), for libc calls: those the simulator itself makes between two executions (reading
// the clock for its time budget, on the fiber of the task that just finished) are real.
[[gnu::always_inline]] inline sim::Execution* active_call() {
  sim::Execution* e = active();
  if (e == nullptr || !e->in_task()) return nullptr;
  return e;
}

// Thread handles of tasks: far above any address, so never equal to a real pthread_t.
inline constexpr std::uintptr_t handle_base = 0xFFFF'F000'0000'0000ull;
inline pthread_t handle_of(sim::TaskId t) { return static_cast<pthread_t>(handle_base + sim::index(t)); }
inline bool is_task_handle(pthread_t h) { return static_cast<std::uintptr_t>(h) >= handle_base; }
inline sim::TaskId task_of(pthread_t h) { return sim::TaskId{static_cast<std::uint32_t>(h - handle_base)}; }

struct TaskData {
  std::uint64_t epoch = 0;
  std::vector<std::uintptr_t> frames;  // call sites pushed by __tsan_func_entry
  std::uint32_t unkept = 0;            // entries past the limit on frames, not pushed
  void* result = nullptr;              // what the thread's start routine returned
  bool detached = false;
  bool joined = false;
};

// A write announced by __tsan_write* happens after the hook returns: its event goes out at the
// task's next hook, when the value written can be read. If the program frees the block first,
// the value is read at the free (Context::freed), never from freed memory.
struct PendingWrite {
  std::uintptr_t address = 0;
  std::uint32_t size = 0;  // 1 to 8: the value is shown; 0: a wider access, shown without
  sim::ObjectId object = sim::no_object;
  sim::Location where;
  sim::TaskId task = sim::no_task;  // no_task: nothing pending
  bool captured = false;            // `value` holds what was written (the block is gone)
  std::int64_t value = 0;
  bool needless = false;            // no observer needs it built (Execution::needless): only numbered
};

class Context {
 public:
  static Context& here() {
    Context* c = current_;
    if (c == nullptr) [[unlikely]] c = make();
    return *c;
  }

  // Every hook calls this first: a new execution empties the tables.
  [[gnu::always_inline]] void sync(sim::Execution& e) {
    sync_epoch(e);
    if (pending_.task != sim::no_task) [[unlikely]] flush(e);
  }
  // Without publishing the pending write: for the heap hooks, which may run inside another step.
  void sync_epoch(sim::Execution& e) {
    if (epoch_ != e.epoch()) [[unlikely]] begin(e);
  }
  // `live_floor`: the program's stack below it is no frame's any more (see flush).
  void flush(sim::Execution& e, std::uintptr_t live_floor = 0);
  // At a function's exit, with the hook's CFA: the stack below it is dead.
  void publish_pending(sim::Execution& e, std::uintptr_t live_floor) {
    if (pending_.task != sim::no_task && epoch_ == e.epoch()) [[unlikely]] flush(e, live_floor);
  }
  void defer_write(const PendingWrite& w) { pending_ = w; }
  // What is known of a plain access from the last identical one (same task, address, size, kind
  // and code) in this execution: nothing (New); that it happened (Again: it may be needless,
  // worth asking Execution::needless); or that it was needless and nothing an observer keeps
  // has moved since (the execution's watch stamp stays and no memory was freed).
  enum class Known : std::uint8_t { New, Again, Needless };
  Known known(const sim::Execution& e, std::uintptr_t address, std::uint32_t size, bool write, std::uintptr_t pc) const {
    const Repeat& r = repeats_[slot(address, pc, write)];
    if (r.pc != pc || r.address != address || r.shape != shape(size, write) || r.task != e.current_task() ||
        r.generation != generation_) {
      return Known::New;
    }
    return r.needless && r.stamp == e.watch_stamp() ? Known::Needless : Known::Again;
  }
  void note_access(const sim::Execution& e, std::uintptr_t address, std::uint32_t size, bool write, std::uintptr_t pc,
                   bool needless) {
    repeats_[slot(address, pc, write)] = Repeat{address, pc, e.watch_stamp(), e.current_task(), shape(size, write), generation_, needless};
  }
  // The running task's data, for the hooks called most (function entry and exit).
  [[gnu::always_inline]] TaskData& running(sim::Execution& e) {
    if (running_epoch_ == e.epoch() && running_task_ == e.current_task()) [[likely]] return *running_;
    return find_running(e);
  }
  TaskData& task(sim::TaskId t) {
    if (sim::index(t) >= tasks_.size()) [[unlikely]] grow_tasks(sim::index(t) + 1);
    TaskData& d = tasks_[sim::index(t)];
    if (d.epoch != epoch_) reset(d);
    return d;
  }
  // The sim object standing for the program's memory at `address` (its first user names it).
  // `pc`: the hook's return address, which with the address makes the key of local names.
  sim::ObjectId memory(sim::Execution& e, std::uintptr_t address, sim::ObjectKind kind, std::uintptr_t pc) {
    const std::uint32_t id = memory_.find(address);
    if (id != AddressMap::missing) [[likely]] return sim::ObjectId{id};
    return new_memory(e, address, kind, pc);
  }
  // A name for the object at `address` that is the same in every execution: the variable's
  // name (a global's, or a local's from the debug information), the heap block's allocation
  // site, or where on which task's stack it lies; empty when none is known. The string lasts as
  // long as the process (see lasting_name), so objects refer to it without a copy.
  const std::string& name_for(sim::Execution& e, std::uintptr_t address, std::uintptr_t pc);
  // The calling thread's context if it has one yet (no call: for the access hooks' quick test).
  static const Context* existing() { return current_; }
  // False while the thread's TLS block is not known yet.
  bool outside_thread_locals(std::uintptr_t address) const {
    return tls_low_ != 0 && (address < tls_low_ || address >= tls_high_);
  }
  // Whether `address` lies in the OS thread's static thread-local storage (see docs/std.md:
  // every task runs on this one OS thread, so a thread_local is not per task in the model).
  bool thread_local_storage(std::uintptr_t address) {
    if (tls_low_ == 0) [[unlikely]] find_tls();  // sets tls_low_ (to 1 if there is no TLS block)
    return !outside_thread_locals(address);
  }
  // The program's own thread_locals (the executable's TLS block; errno and the libraries' are
  // theirs): the first task to use one in an execution owns it, and a second one using it is a
  // finding, since in the model they share what the program would give each its own copy of.
  void thread_local_access(sim::Execution& e, std::uintptr_t address, std::uintptr_t pc);
  // Heap blocks the program allocates, for names ("new@file:line+offset", "malloc@..." for the C
  // heap, `how`); memory freed is forgotten, so that a new object at the same place is a new sim
  // object (allocation orders nothing between threads: without this, reused memory would look
  // like a race).
  void allocated(std::uintptr_t block, std::size_t size, sim::Location site, const char* how);
  void freed(std::uintptr_t block, std::size_t size);

 private:
  [[gnu::noinline]] static Context* make();  // the calling thread's, freed when the thread ends
  static constinit inline thread_local Context* current_ = nullptr;

  void begin(sim::Execution& e);
  [[gnu::noinline]] TaskData& find_running(sim::Execution& e);
  void find_tls();
  [[gnu::noinline]] void grow_tasks(std::size_t n);
  void reset(TaskData& d) const {
    d.epoch = epoch_;
    d.frames.clear();
    d.unkept = 0;
    d.result = nullptr;
    d.detached = false;
    d.joined = false;
  }
  [[gnu::noinline]] sim::ObjectId new_memory(sim::Execution& e, std::uintptr_t address, sim::ObjectKind kind,
                                             std::uintptr_t pc);
  const std::string& local_name(std::uintptr_t pc, std::size_t depth, std::uintptr_t address);
  const std::string* heap_name(std::uintptr_t address);
  struct HeapPlace;
  [[gnu::noinline, gnu::cold]] const std::string& new_heap_name(const HeapPlace& place, sim::Location site);
  // The cached name of `address` if it was made from the same `key`, else `make()` cached.
  template <class Make>
  const std::string& cached_name(std::uintptr_t address, std::uint64_t key, Make make);

  struct Repeat {
    std::uintptr_t address = 0;
    std::uintptr_t pc = 0;
    std::uint64_t stamp = ~std::uint64_t{0};
    sim::TaskId task = sim::no_task;
    std::uint32_t shape = 0;
    std::uint64_t generation = 0;  // Context::generation_ then
    bool needless = false;
  };
  // Room for the accesses of a loop over a few thousand elements.
  static constexpr std::size_t repeat_slots = 4096;
  // Reads and writes in halves of their own: the reads and the writes of one loop over an array
  // cannot then take each other's slots.
  static std::size_t slot(std::uintptr_t address, std::uintptr_t pc, bool write) {
    return (((address >> 3) ^ (pc * 0x9E3779B97F4A7C15ull >> 40)) & (repeat_slots / 2 - 1)) | (write ? repeat_slots / 2 : 0);
  }
  static std::uint32_t shape(std::uint32_t size, bool write) { return size << 1 | (write ? 1 : 0); }
  // Moves when an execution begins and when memory is freed (a new object may then come to a
  // known address): what repeats_ holds from before is unknown.
  std::uint64_t generation_ = 0;

  std::uint64_t epoch_ = 0;
  std::uint64_t running_epoch_ = 0;  // running_ is task running_task_'s data in that execution
  sim::TaskId running_task_ = sim::no_task;
  TaskData* running_ = nullptr;
  std::uintptr_t tls_low_ = 0;   // the hull of the modules' static TLS blocks of this thread
  std::uintptr_t tls_high_ = 0;
  std::uintptr_t program_tls_low_ = 0;  // the executable's own block
  std::uintptr_t program_tls_high_ = 0;
  AddressMap tls_users_;  // this execution: a thread_local's address -> the first task to use it, + 1
  std::vector<TaskData> tasks_;
  TaskData outside_;  // frames pushed while no task runs (find_running)
  AddressMap memory_;
  PendingWrite pending_;
  struct Block {
    std::uintptr_t start = 0;
    std::size_t size = 0;
    sim::Location site;
    const char* how = "new";  // a string literal: compared by address
  };
  std::vector<Block> blocks_;  // this execution's live blocks, by address (a handful at a time)
  // Names computed in earlier executions, by address, with what they were computed from: the
  // same code puts the same objects at the same places execution after execution.
  struct CachedName {
    std::uint64_t key = 0;  // what the name depends on besides the address (see name_for)
    const std::string* name = nullptr;
  };
  AddressMap name_index_;
  std::vector<CachedName> name_cache_;
  // Heap names by what they are made of, not by address: two blocks that swap places from one
  // execution to the next (std::thread's state, freed and allocated again) keep their names
  // without formatting them again.
  struct HeapPlace {
    const char* how = nullptr;
    const char* file = nullptr;
    std::uint32_t line = 0;
    std::uintptr_t offset = 0;
    bool operator==(const HeapPlace&) const = default;
  };
  struct HeapPlaceHash {
    std::size_t operator()(const HeapPlace& p) const {
      return ((reinterpret_cast<std::uintptr_t>(p.how) * 31 + reinterpret_cast<std::uintptr_t>(p.file)) * 31 + p.line) * 31 +
             p.offset;
    }
  };
  std::unordered_map<HeapPlace, const std::string*, HeapPlaceHash> heap_names_;
  // Global and static variables' names by address ("" when none).
  AddressMap symbol_index_;
  std::vector<const std::string*> symbols_;
  // Locals' names found by unwinding and the debug information, by (hook return address, depth
  // on the task's stack): the same code reaches the same variable ("" when none is named).
  std::map<std::pair<std::uintptr_t, std::size_t>, std::string> locals_;
  // On its own, so that the Context every hook reads stays small and dense.
  std::vector<Repeat> repeats_ = std::vector<Repeat>(repeat_slots);
};

}  // namespace interpose
