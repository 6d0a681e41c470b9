// LockGraph: an observer that predicts deadlocks from the order tasks take mutexes in.
//
// How this works: whenever a task locks mutex m while holding mutex h, the graph gets an edge
// h → m, labelled with the task, the locks it held (its lockset), where each lock was taken,
// and a fork/join vector clock of the task (spawn and join edges only, not locks). A cycle
// m1 → m2 → ... → m1 is a potential deadlock when its edges could all be waiting at once: they
// come from different tasks, their locksets are disjoint (a common "gate" lock would keep the
// tasks apart), and no edge is ordered before another by spawn or join. This is the GoodLock
// algorithm (Havelund, SPIN 2000) with the gate-lock and fork/join refinements of Bensalem &
// Havelund ("Dynamic deadlock analysis of multi-threaded programs", PADTAD 2005). The graph
// spans every execution of a run: one execution may show a → b and another b → a. Mutexes and
// tasks are matched across executions by name and creation place; objects that share both in
// one execution are kept apart per execution rather than guessed.
//
// A cycle that also happened as an actual Deadlock is reported once, as the Deadlock, with a
// note that the lock order predicted it (see reconcile()).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/checker.hpp"
#include "sim/core/vector_clock.hpp"
#include "sim/core/failure.hpp"
#include "sim/core/op_traits.hpp"

namespace checker {

class LockGraph final : public Checker {
 public:
  void on_begin(const sim::Execution& exec) override;
  void on_event(const sim::Execution& exec, const sim::Event& event) override;
  std::uint64_t ignored_kinds() const override { return sim::kinds_where(unused); }
  void on_end(const sim::Execution& exec, const sim::Failure* failure) override;
  void take_findings(std::vector<sim::Failure>& out) override {
    if (!findings_.empty()) hand_over(out);  // called after every execution: keep it cheap
  }

  // After the run: a PotentialDeadlock whose cycle also deadlocked for real is dropped, and
  // that Deadlock gets a note saying the lock order predicted it.
  void reconcile(sim::Report& report) const override;
  std::size_t edge_count() const { return edges_.size(); }

  // --- one graph for a search on several jobs (lock_graph_span.cpp) ---
  // Each job's graph keeps, instead of searching cycles, the executions that added edges or
  // deadlocked (in that job), with their place; span() replays every job's kept executions
  // into one graph in the order of the whole search. See search_checks.hpp for why.
  void keep_for_span() override { keeping_ = true; }
  void enter(std::uint64_t unit, std::uint64_t rank) override { unit_ = unit, rank_ = rank, kept_now_ = false; }
  bool kept() const override { return kept_now_; }
  void describe_kept(std::string found_by, bool names_execution) override;
  void forget() override;
  std::vector<sim::PlacedFailure> span(std::span<Checker* const> jobs,
                                       const std::function<std::uint64_t(std::uint64_t, std::uint64_t)>& execution) override;
  struct Kept {
    std::uint64_t unit, rank;                // the execution's place in the search
    std::vector<std::uint32_t> edges;        // this job's edges it added, in order
    std::vector<std::uint32_t> deadlock;     // this job's nodes of the deadlock it ended in
    bool deadlocked = false;
    sim::Schedule schedule;                  // if it added edges
    std::string found_by;
    bool names_execution = false;
  };
  const std::vector<Kept>& kept_executions() const { return kept_; }
  // Adds execution `execution` that `job` kept; the cycles it closes become findings.
  void absorb(const LockGraph& job, const Kept& kept, std::uint64_t execution);

 private:
  static constexpr std::uint32_t none = ~0u;
  // Only mutexes are in the graph (an RwLock's shared side, semaphores and the rest are not).
  static constexpr bool unused(sim::OpKind kind) {
    switch (sim::traits(kind).role) {
      case sim::OpRole::Lock:
      case sim::OpRole::TryLock:
      case sim::OpRole::Unlock:
      case sim::OpRole::Wait:
      case sim::OpRole::Spawn:
      case sim::OpRole::Join:
        return false;
      case sim::OpRole::Start:
      case sim::OpRole::Yield:
      case sim::OpRole::Finish:
      case sim::OpRole::Sleep:
      case sim::OpRole::Print:
      case sim::OpRole::Read:
      case sim::OpRole::Write:
      case sim::OpRole::AtomicLoad:
      case sim::OpRole::AtomicStore:
      case sim::OpRole::AtomicRmw:
      case sim::OpRole::Wake:
      case sim::OpRole::Notify:
      case sim::OpRole::NotifyAll:
      case sim::OpRole::Sync:
        return true;
    }
    return true;
  }

  void hand_over(std::vector<sim::Failure>& out);

  // --- one execution, by task and object id ---
  struct Held {
    std::uint32_t object;
    sim::Location where;
  };
  struct Task {
    std::vector<Held> held;  // in the order taken
  };
  // Spawns and joins in order: fork/join clocks are computed from them only when an execution
  // has lock-order edges, so executions without nested locks pay one push per spawn or join.
  struct Fork {
    bool join;
    std::uint32_t task, peer;
  };
  struct LocalEdge {
    std::uint32_t from, to, task;
    sim::Location from_at, to_at;
    std::vector<std::uint32_t> lockset;  // every mutex held when `to` was taken
    std::uint32_t at;                    // how many spawns and joins came before it
  };

  // --- the whole run, by node and thread number ---
  struct Node {
    std::string name;        // as given (may be empty); with `created`, the identity
    sim::Location created;
    std::uint64_t execution;  // 0, or the one execution this node belongs to (ambiguous names)
    std::uint32_t ordinal;
    std::string display;     // how reports name it
  };
  struct Thread {
    std::string name;
    sim::Location spawned_at;
    std::uint32_t ordinal;   // among tasks of one execution with the same name and place
  };
  struct Edge {
    std::uint32_t from, to, thread;
    sim::Location from_at, to_at;
    std::vector<std::uint32_t> lockset;                           // node numbers, sorted
    std::vector<std::pair<std::uint32_t, std::uint32_t>> forks;   // (thread, clock), sorted
    std::uint64_t execution;
    bool operator==(const Edge& o) const;
  };
  struct Cycle {
    std::vector<std::uint32_t> edges;  // in cycle order, starting at the smallest node
    std::vector<std::uint32_t> nodes;  // sorted, for matching with actual deadlocks
    sim::Location where, other;
    bool reported = false;  // false: folded into an actual deadlock seen before it
  };
  struct Deadlocked {
    std::uint64_t execution;
    std::vector<std::uint32_t> nodes;  // sorted
  };

  Task& task(sim::TaskId t) { return tasks_[sim::index(t)]; }
  void start_task(sim::TaskId t);
  // One handler per role of event (on_event's switch).
  void lock(const sim::Event& e);
  void try_lock(const sim::Event& e);
  void unlock(const sim::Event& e);
  void wait(const sim::Event& e);
  void spawn(const sim::Event& e);
  void join(const sim::Event& e);
  [[gnu::noinline]] void nested(const sim::Event& e);  // lock() while holding others: edges, then the push
  void release(Task& t, std::uint32_t object);

  // Translating one execution's ids into the run's nodes and threads.
  std::uint32_t node_of(const sim::Execution& exec, std::uint32_t object);
  std::uint32_t thread_of(const sim::Execution& exec, std::uint32_t task);
  std::vector<std::uint32_t> merge(const sim::Execution& exec);
  void note_deadlock(const sim::Execution& exec);
  void keep(const sim::Schedule& schedule, std::vector<std::uint32_t> added, bool deadlocked);
  std::uint32_t node_from(const LockGraph& job, std::uint32_t node);
  std::uint32_t thread_from(const LockGraph& job, std::uint32_t thread);

  // Cycles (lock_graph_cycles.cpp).
  void find_cycles(const sim::Schedule& schedule, std::uint32_t edge);
  bool compatible(const Edge& a, const Edge& b) const;
  void report(const sim::Schedule& schedule, std::vector<std::uint32_t> cycle);
  sim::Failure describe(const sim::Schedule& schedule, const Cycle& cycle) const;
  std::string path_text(const Cycle& cycle) const;

  std::vector<Task> tasks_;
  std::size_t tasks_used_ = 0;
  std::vector<Fork> forks_;
  std::vector<LocalEdge> local_;
  std::vector<std::uint32_t> local_nodes_;    // object id → node, filled while merging
  std::vector<std::uint32_t> local_threads_;  // task id → thread, filled while merging

  std::uint64_t executions_ = 0;
  std::vector<Node> nodes_;
  std::vector<Thread> threads_;
  std::vector<Edge> edges_;
  std::vector<Cycle> cycles_;        // reported (or folded into an actual deadlock)
  std::vector<Deadlocked> deadlocks_;
  std::vector<sim::Failure> findings_;

  bool keeping_ = false;
  std::uint64_t unit_ = 0, rank_ = 0;
  bool kept_now_ = false;
  std::vector<Kept> kept_;
};

}  // namespace checker
