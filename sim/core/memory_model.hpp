// MemoryModel: which store each atomic load may read under the C++ memory model, following RC11
// (Lahav, Vafeiadis, Kang, Hur, Dreyer, "Repairing sequential consistency in C/C++11", PLDI 2017).
//
// How this works. Each atomic location keeps every store of the execution in modification order
// (mo). A load reads any store of its location that coherence allows, and which one is a data
// choice of the strategy (Execution::choose_value), so a replay token covers it; choice 0 is always
// the latest store, so a strategy that takes the first choice runs sequentially consistently.
// Coherence is judged on happens-before (HappensBefore's vector clocks): every task's observations
// of a location (a store it made or read) are kept with the epoch they were made at, and a load or
// store may not go behind any observation that happens before it. A store is placed anywhere in mo
// after those (choice 0: at the end), never between a read-modify-write and the store it read; a
// read-modify-write reads a store no other one has read and goes right after it.
//
// Synchronisation: a release store (or one after a release fence) carries its task's clock as a
// message; an acquire load that reads it, or a relaxed one followed by an acquire fence, takes the
// message in; a read-modify-write passes on the message of the store it read (a release
// sequence). seq_cst operations run in one total order, the execution order: a seq_cst load reads
// the last seq_cst store of its location or a store after it, a seq_cst store goes after it, and
// a seq_cst fence joins every location's frontier with the one kept by the fences before it.
//
// Stores become visible in finite time ([atomics.order]): a task reads one stale store (one
// with a later store in mo) at most `stale_rereads` times in a row; the next load of that location
// reads a later store. So a loop waiting for a store does not spin forever on an old one.
//
// No out-of-thin-air values: a load reads only stores already executed, so program order and
// reads-from never form a cycle (RC11's no-thin-air axiom) and load buffering stays forbidden.
// What is not modelled is in docs/memory_model.md.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/ids.hpp"
#include "sim/core/vector_clock.hpp"

namespace sim {

class Execution;
class HappensBefore;

enum class MemoryOrder : std::uint8_t { Relaxed, Acquire, Release, AcqRel, SeqCst };

// consume is taken as acquire (as every compiler does).
constexpr MemoryOrder to_order(std::memory_order o) {
  switch (o) {
    case std::memory_order_relaxed: return MemoryOrder::Relaxed;
    case std::memory_order_consume:
    case std::memory_order_acquire: return MemoryOrder::Acquire;
    case std::memory_order_release: return MemoryOrder::Release;
    case std::memory_order_acq_rel: return MemoryOrder::AcqRel;
    case std::memory_order_seq_cst: return MemoryOrder::SeqCst;
  }
  return MemoryOrder::SeqCst;
}
constexpr bool acquires(MemoryOrder o) { return o != MemoryOrder::Relaxed && o != MemoryOrder::Release; }
constexpr bool releases(MemoryOrder o) { return o != MemoryOrder::Relaxed && o != MemoryOrder::Acquire; }

class MemoryModel {
 public:
  static constexpr std::uint32_t none = ~0u;
  static constexpr std::uint32_t stale_rereads = 2;

  // One store: its value (the bytes of the atomic, up to 8) and who made it where.
  struct Store {
    std::uint64_t value = 0;
    TaskId task = no_task;           // no_task: the location's value before this execution used it
    std::uint32_t message = none;    // index into messages_: what an acquire reading it takes in
    std::uint32_t position = 0;      // in its location's mo
    bool taken = false;              // a read-modify-write read it (and sits right after it in mo)
    Location where;
  };

  void begin(HappensBefore& hb);
  // The location's first use in this execution: `initial` is its value then. Called again on a
  // known location (its bytes were written behind the model's back: a plain write, a new object
  // at the same address), its history starts again from `initial`.
  bool knows(ObjectId x) const { return index(x) < locations_.size() && locations_[index(x)].stamp == stamp_; }
  void start(ObjectId x, std::uint64_t initial);

  std::uint64_t load(Execution& e, ObjectId x, MemoryOrder order);
  void store(Execution& e, ObjectId x, std::uint64_t value, MemoryOrder order, Location where);
  // A read-modify-write: `next(old)` is the value it writes, or nothing (a failed
  // compare-exchange, which is a load with order `failure`). Returns the value it read.
  struct Next {
    const void* context;
    std::optional<std::uint64_t> (*call)(const void* context, std::uint64_t old);
    std::optional<std::uint64_t> operator()(std::uint64_t old) const { return call(context, old); }
  };
  std::uint64_t update(Execution& e, ObjectId x, MemoryOrder success, MemoryOrder failure, Next next, Location where);
  // acquire, release and acq_rel fences act on the task alone; a seq_cst fence must be a step.
  void fence(Execution& e, MemoryOrder order);

  // The latest value in mo (what a sequentially consistent view of memory holds), and its store.
  std::uint64_t latest(ObjectId x) const { return latest_store(x).value; }
  const Store& latest_store(ObjectId x) const { return stores_[locations_[index(x)].mo.back()]; }
  // The store the task's last load or update read, and whether a later one in mo existed then.
  const Store& last_read() const { return stores_[last_read_]; }
  // Stores by id (0, 1, ... in the order they were made in this execution), for DporTrace.
  std::uint32_t last_read_id() const { return last_read_; }
  std::size_t store_count() const { return stores_.size(); }
  const Store& store(std::uint32_t id) const { return stores_[id]; }
  bool last_read_was_stale() const { return last_stale_; }
  // Whether the task's last load could read any store of its location from its happens-before
  // floor on: it was not seq_cst, no seq_cst fence had run in the execution, the location had no
  // seq_cst store, and no store was worn out (stale_rereads) above the floor. Such a load, run
  // after a store it races with, has every choice it would have had running before that store:
  // the order that runs it first adds nothing (DPOR need not reverse that race; see DporTrace).
  // Only the task's first access to the location counts: a reread's choices depend on how often
  // the task read stale before, and two reads at one place with no store between them are a
  // loop to the spin-loop rule (spin_log.hpp), both of which change when the load moves.
  bool last_read_free() const { return last_free_; }
  // Whether a load or update of this execution was kept from a store it had read stale too often
  // (stale_rereads): then how often a task read a store stale depended on when the racing stores
  // ran, and a free load's order matters after all.
  bool wore_out() const { return wore_; }

 private:
  struct Seen {
    std::uint32_t epoch;
    std::uint32_t store;
  };
  struct Reread {
    std::uint32_t store = none;  // the store the task's last read of the location read
    std::uint32_t stale = 0;     // how many reads in a row found it stale
  };
  // An observation made on the sequentially consistent path, not yet sorted into `seen`.
  struct Noted {
    TaskId task;
    Seen seen;
  };
  struct Cell {
    std::uint64_t stamp = 0;
    std::vector<std::uint32_t> mo;             // store ids in modification order
    std::uint32_t last_seq_cst = none;         // the last seq_cst store executed
    std::uint32_t fence_frontier = none;       // the latest store the seq_cst fences agreed on
    std::vector<std::vector<Seen>> seen;       // per task: its observations, later in mo each
    std::vector<Noted> noted;                  // observations `seen` has yet to take in
    std::vector<Reread> rereads;               // per task
  };
  struct TaskState {
    std::uint64_t stamp = 0;
    VectorClock pending;                       // messages read by relaxed loads (for an acquire fence)
    VectorClock fence_release;                 // its clock at its last release fence
    bool released = false;                     // it has made a release fence
  };
  struct Candidate {
    std::uint32_t store;
    std::optional<std::uint64_t> writes;  // what a read-modify-write reading it would write
  };

  Cell& location(ObjectId x) { return locations_[index(x)]; }
  TaskState& task_state(TaskId t);
  // A seq_cst operation while the location's latest store is seq_cst has one choice: the latest.
  // Sequentially consistent code takes that path only, and looks at no observation, so
  // observations are noted as they come (cheap) and sorted into `seen` (`settle`) only when an
  // operation with a choice looks there.
  static bool one_choice(const Cell& l, MemoryOrder order) {
    return order == MemoryOrder::SeqCst && l.last_seq_cst == l.mo.back();
  }
  void note(TaskId t, Cell& l, std::uint32_t store);
  void settle(Cell& l);
  // Task `t` read `store`: the story's facts, the stale count, synchronisation, the observation.
  std::uint64_t finish_read(TaskId t, Cell& l, std::uint32_t store, MemoryOrder order);
  // The earliest position in mo task `t` may read or place after: the latest of the
  // observations that happen before its present point.
  std::uint32_t floor(TaskId t, Cell& l, MemoryOrder order);
  void observe(TaskId t, Cell& l, Seen seen);
  // The store task `t` may not read again (it read it stale too often), or none; and the count after a read.
  std::uint32_t worn_out(TaskId t, const Cell& l);
  void count_read(TaskId t, Cell& l, std::uint32_t store);
  void read_from(TaskId t, const Store& s, MemoryOrder order);
  void write(TaskId t, Cell& l, std::uint32_t position, std::uint64_t value, MemoryOrder order, Location where,
             std::uint32_t passed_on);
  std::uint32_t message_of(TaskId t, MemoryOrder order, std::uint32_t passed_on);
  // The one choice of a seq_cst operation (one_choice): the latest store, read or updated.
  std::uint64_t read_latest(TaskId t, Cell& l);
  std::uint64_t update_latest(TaskId t, Cell& l, Next next, Location where);
  Candidate choose_update(Execution& e, TaskId t, Cell& l, MemoryOrder success, MemoryOrder failure, Next next);
  void place(Cell& l, std::uint32_t store, std::uint32_t position);
  std::uint32_t new_message();  // its contents are stale: the caller assigns them
  std::uint32_t choose(Execution& e, std::size_t n);

  HappensBefore* hb_ = nullptr;
  std::uint64_t stamp_ = 0;
  std::vector<Cell> locations_;           // indexed by object id
  std::vector<Store> stores_;
  std::vector<VectorClock> messages_;
  std::size_t messages_used_ = 0;
  std::vector<TaskState> tasks_;
  std::vector<Candidate> candidates_;          // scratch
  std::vector<std::uint32_t> positions_;       // scratch
  std::uint32_t last_read_ = 0;
  bool last_stale_ = false;
  bool last_free_ = false;
  bool fenced_ = false;  // a seq_cst fence ran in this execution
  bool wore_ = false;    // wore_out()
};

// How a story tells a load that read `read` while `latest` was newer, the values given as text:
// "0 (the initial value, although a had stored 1 at x.cpp:12)".
void tell_stale(const Execution& e, const MemoryModel::Store& read, std::string_view value,
                const MemoryModel::Store& latest, std::string_view latest_value, std::string& out);

}  // namespace sim
