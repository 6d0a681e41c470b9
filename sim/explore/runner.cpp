// Runner: a caller's strategy as the whole of a one-job search, and a single told replay.
#include "sim/explore/runner.hpp"

#include "sim/core/strategy.hpp"

namespace sim {

namespace {

// The caller's strategy as a search of one slice and one unit, every execution counted.
class Whole final : public SlicedStrategy {
 public:
  explicit Whole(Strategy& s) : s_(s) { choose_with(s); }
  bool begin_execution() override { return s_.begin_execution(); }
  TaskId next_task(std::span<const TaskId> runnable, TaskId current) override { return s_.next_task(runnable, current); }
  std::uint32_t next_value(std::uint32_t bound) override { return s_.next_value(bound); }
  void end_execution() override { s_.end_execution(); }
  bool complete() const override { return s_.complete(); }
  std::vector<Gap> gaps() const override { return s_.gaps(); }
  std::string describe() const override { return s_.describe(); }
  Observer* observer() override { return s_.observer(); }
  bool names_execution() const override { return true; }  // as the strategy tells it

 private:
  Strategy& s_;
};

}  // namespace

Report Runner::run(const std::function<void()>& body, Strategy& strategy, std::span<Observer* const> observers) {
  const ExploreRun run{.iterations = options_.iterations,
                       .time_limit = options_.time_limit,
                       .on_failure = options_.on_failure,
                       .limits = options_.limits,
                       .cancel = options_.cancel,
                       .observers = observers};
  return explore_slices(body, [&](Slice) { return std::make_unique<Whole>(strategy); }, run);
}

}  // namespace sim
