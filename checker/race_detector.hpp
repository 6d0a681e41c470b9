// RaceDetector: an observer that finds data races on Shared<T> by happens-before (FastTrack).
//
// How this works: every task carries a vector clock, moved along the synchronisation edges by
// the execution's HappensBefore (sim/core/happens_before.hpp). For each Shared variable the detector
// keeps the epoch of its last write and of its last read (or, once two reads are concurrent,
// one read epoch per task), as FastTrack does (Flanagan & Freund, "FastTrack: efficient and
// precise dynamic race detection", PLDI 2009). An access races with a recorded one when at
// least one writes, they come from different tasks, and the recorded epoch is not covered by
// the accessing task's clock: no chain of the edges above orders them. That holds whatever the
// values came out to be, so a race shows in the first execution that has both accesses.
//
// Races do not stop an execution. Each pair of places is reported once per detector (one per
// run): at the end of the execution that first showed it, with that execution's schedule.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/checker.hpp"
#include "sim/core/happens_before.hpp"
#include "sim/core/failure.hpp"
#include "sim/core/op_traits.hpp"

namespace checker {

class RaceDetector final : public Checker {
 public:
  RaceDetector() = default;

  void on_begin(const sim::Execution& exec) override;
  void on_event(const sim::Execution& exec, const sim::Event& event) override;
  // Only plain accesses: the execution's HappensBefore takes every synchronising event.
  std::uint64_t ignored_kinds() const override { return ~sim::kinds_where(plain_access); }
  bool needs_happens_before() const override { return true; }
  // A read or write in the same epoch as the task's last one of its kind on that variable:
  // read() and write() return at once for it.
  bool unchanged_by(const sim::Execution& exec, sim::TaskId task, sim::ObjectId object, sim::OpKind kind) const override;
  void on_end(const sim::Execution& exec, const sim::Failure* failure) override;
  void take_findings(std::vector<sim::Failure>& out) override {
    if (!findings_.empty()) hand_over(out);  // called after every execution: keep it cheap
  }

 private:
  static constexpr std::uint32_t none = ~0u;

  void hand_over(std::vector<sim::Failure>& out);

  // One recorded access: what checking needs (its epoch) and what a report needs, no strings.
  struct Access {
    sim::Epoch at;                             // at.clock == 0: no such access yet
    std::uint32_t step = 0;
    std::uint32_t held = none;             // the innermost mutex its task held, if any
    sim::OpKind kind = sim::OpKind::Read;
    sim::Location where;
  };
  struct Variable {
    Access write;                          // the last write
    Access read;                           // the last read, while reads are totally ordered
    std::uint32_t readers = none;          // index into read_sets_ once two reads are concurrent
  };
  struct Race {
    std::uint32_t object = 0;
    Access first;
    Access second;
    std::string second_value;
  };

  using Clock = sim::VectorClock;
  static constexpr bool plain_access(sim::OpKind kind) {
    const sim::OpRole role = sim::traits(kind).role;
    return role == sim::OpRole::Read || role == sim::OpRole::Write;
  }
  [[gnu::noinline]] void new_variable(std::uint32_t i);
  void record(Access& into, const sim::Event& e, const Clock& t) const;
  // The recorded access is another task's and not ordered before task `ti`'s present point.
  static bool unordered(const Access& earlier, std::uint32_t ti, const Clock& t) {
    return earlier.at.clock != 0 && earlier.at.task != ti && !t.covers(earlier.at);
  }

  void read(const sim::Event& e);
  void write(const sim::Event& e);
  [[gnu::noinline]] void race(const Access& earlier, const sim::Event& e, const Clock& t);  // the rare path
  // The rare paths of read and write (see read()).
  [[gnu::noinline]] void read_slow(Variable& v, const sim::Event& e, const Clock& t);
  [[gnu::noinline]] void read_shared(Variable& v, const sim::Event& e, const Clock& t);
  [[gnu::noinline]] void write_slow(Variable& v, const sim::Event& e, const Clock& t);
  [[gnu::noinline]] void first_access(const sim::Event& e);

  sim::Failure describe(const sim::Execution& exec, const Race& race) const;
  bool known(const sim::Location& a, const sim::Location& b) const;

  const sim::HappensBefore* hb_ = nullptr;  // the execution's, set at its beginning
  std::vector<Variable> variables_;        // indexed by object id
  std::size_t variables_used_ = 0;
  std::vector<std::vector<Access>> read_sets_;  // per variable in shared-read mode, indexed by task
  std::size_t read_sets_used_ = 0;
  std::vector<Race> races_;                // found in this execution, described at its end
  struct Pair {
    sim::Location a, b;
  };
  std::vector<Pair> reported_;             // pairs of places already reported in this run
  std::vector<sim::Failure> findings_;
};

}  // namespace checker
