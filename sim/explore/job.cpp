// Job: the loop over one slice's executions, its bookkeeping between executions, and what it keeps.
#include "sim/explore/job.hpp"

#include <algorithm>

#include "sim/core/observer.hpp"
#include "sim/core/watchdog.hpp"
#include "sim/explore/explorer.hpp"
#include "sim/explore/progress.hpp"
#include "sim/explore/sliced_strategy.hpp"

namespace sim {

namespace {

std::uint64_t schedule_hash(const Schedule& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (const Choice& c : s.choices) {
    h = (h ^ (static_cast<std::uint64_t>(c.value) * 2 + (c.kind == Choice::Kind::Value))) * 1099511628211ull;
  }
  return h ^ (h >> 29);
}

}  // namespace

Job::Job(const std::function<void()>& body, SlicedStrategy& strategy, const ExploreRun& run, Board& board, Setup setup)
    : body_(body), strategy_(strategy), run_(run), board_(board), setup_(setup) {
  if (Observer* o = strategy.observer()) plain_.push_back(o);
  // The checkers watch counted executions only: the others are another slice's to report.
  watched_ = plain_;
  if (setup.watch != nullptr) watched_.push_back(setup.watch);
  watched_.insert(watched_.end(), run.observers.begin(), run.observers.end());
  watching_ = watched_.size() != plain_.size();
  // The memory model is on in all of this slice's executions or in none: the unwatched ones
  // must make the same choices as the watched ones, or replaying a path would diverge.
  model_ = std::any_of(watched_.begin(), watched_.end(), [](const Observer* o) { return o->needs_happens_before(); });
  stop_at_failure_ = run.on_failure == OnFailure::Stop;
}

JobResult Job::run(Execution& exec) {
  const Watchdog watchdog(run_.time_limit);  // a task stuck between steps past the budget
  exec_ = &exec;
  exec.watch_stop(&board_.expired());
  exec.set_memory_model(model_);
  for (bool go = next(); go;) {
    pending_ = false;
    running_checked_ = checked_;
    std::optional<Failure> failure = exec.run(body_, *chooser_, checked_ ? watched_ : plain_, this);
    if (pending_) continue;                    // again() began the next execution
    if (!failure && !exec.stopped_short() && !exec.pruned()) break;  // again() ended the job
    after(failure ? &*failure : nullptr);
    if (exec.stopped_short()) break;
    go = next();
  }
  if (exec.stopped_short()) out_.out_of_time = true;
  out_.walked = n_;
  out_.states = strategy_.states();
  report();
  exec.watch_stop(nullptr);
  exec.set_memory_model(std::nullopt);
  return std::move(out_);
}

bool Job::again() {
  after(nullptr);
  if (!next()) return false;
  // The next execution needs the other set of observers: the loop starts it afresh.
  if (checked_ != running_checked_) {
    pending_ = true;
    return false;
  }
  exec_->steer(*chooser_);
  return true;
}

// Before an execution: whether to run one, and its place in the search. The common case - the
// same unit, nothing to stop for, no checkers - is a handful of loads and no call but the
// strategy's; the rest is out of line.
bool Job::next() {
  // The time budget is a flag a timer sets; a cancel flag is asked every 64 executions.
  if (board_.out_of_time() || (n_ & 63) == 0 || setup_.printer != nullptr) [[unlikely]] {
    if (!stop_or_draw()) return false;
  }
  if (!strategy_.begin_execution()) [[unlikely]] return exhausted();
  chooser_ = &strategy_.chooser();
  counted_ = strategy_.counted();
  if (counted_) {
    if (strategy_.unit() != at_.unit || (n_ & 255) == 0) [[unlikely]] enter_unit();
    // Everything from here on in this slice lies past the budget or the first failure.
    if (at_.local >= budget_) [[unlikely]] return false;
    if (stop_at_failure_ && board_.any_failure()) [[unlikely]] {
      if (past_failure()) return false;
    }
  }
  ++n_;
  checked_ = counted_ && watching_;
  if (checked_) [[unlikely]] enter_watch();
  return true;
}

bool Job::past_failure() { return board_.past_first_failure(at_); }

void Job::enter_watch() {
  if (setup_.watch != nullptr) setup_.watch->enter(at_.unit, at_.local);
}

bool Job::stop_or_draw() {
  if (board_.stop()) {
    out_.interrupted = board_.cancelled();
    out_.out_of_time = !out_.interrupted;
    return false;
  }
  if (setup_.printer != nullptr && setup_.printer->due()) setup_.printer->draw(board_.status());
  return true;
}

bool Job::exhausted() {
  out_.exhausted = true;
  out_.complete = strategy_.complete();
  return false;
}

// A new unit, or time to tell the board: where the budget ends within this unit.
void Job::enter_unit() {
  report();
  if (strategy_.unit() != at_.unit) at_ = Place{strategy_.unit(), 0};
  if (run_.iterations == 0) return;
  before_ = board_.before(at_.unit);
  budget_ = before_ >= run_.iterations ? 0 : run_.iterations - before_;
}

// After an execution: what it found, counted in its place; then the strategy moves on.
void Job::after(Failure* failure) {
  if (failure != nullptr || checked_ || !counted_ || setup_.digest || exec_->stopped_short() || exec_->ran_sequentially())
      [[unlikely]] {
    return after_all(failure);
  }
  const std::uint64_t redundant_before = strategy_.redundant();
  strategy_.end_execution();
  if (strategy_.redundant() != redundant_before) ++out_.redundant;
  ++unreported_;
  ++at_.local;
}

[[gnu::noinline]] void Job::after_all(Failure* failure) {
  const bool cut = exec_->stopped_short();  // cut by the time budget: it ran part of its schedule
  if (failure != nullptr) failure->schedule = exec_->schedule_so_far();
  if (checked_) {
    for (Observer* o : watched_) o->take_findings(findings_);  // after the failure, in the observers' order
    if (setup_.watch != nullptr && setup_.watch->kept()) {
      if (cut) {
        setup_.watch->forget();
      } else {
        setup_.watch->describe(strategy_.describe(), strategy_.names_execution());
      }
    }
  }
  if (counted_ && setup_.digest && !cut) out_.digest += schedule_hash(exec_->schedule_so_far());
  const std::uint64_t redundant_before = strategy_.redundant();
  strategy_.end_execution();
  if (!counted_ || cut) {
    findings_.clear();
    return;
  }
  if (strategy_.redundant() != redundant_before) ++out_.redundant;
  ++unreported_;
  if (exec_->ran_sequentially()) ++out_.sequential;
  if (failure != nullptr) {
    if (run_.on_failure == OnFailure::Stop) board_.offer_failure(at_);
    keep(std::move(*failure));
  }
  for (Failure& f : findings_) keep(std::move(f));
  findings_.clear();
  ++at_.local;
}

// Kept once per place: the same finding again later in this slice adds nothing to the report.
void Job::keep(Failure f) {
  std::pair a{std::string(f.where.file), f.where.line};
  std::pair b{std::string(f.other.file), f.other.line};
  if (b < a) std::swap(a, b);
  if (!seen_.emplace(static_cast<int>(f.kind), std::move(a.first), a.second, std::move(b.first), b.second).second) return;
  f.found_by = strategy_.describe();
  out_.found.push_back(Found{at_, std::move(f), strategy_.names_execution()});
}

void Job::report() {
  if (unreported_ == 0) return;
  out_.units[at_.unit] += unreported_;
  board_.count(setup_.number, at_.unit, unreported_, strategy_.progress());
  unreported_ = 0;
}

}  // namespace sim
