// The detail of a search's first divergence: what a replayed choice found instead of its record.
// Called only when a replay diverges, in the execution where it did (Execution::current()).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "sim/core/ids.hpp"
#include "sim/core/op.hpp"

namespace sim {

// At the `choice`-th choice (0-based) the tasks that could run were not the recorded ones.
std::string changed_runnable(std::size_t choice, std::span<const TaskId> recorded, std::span<const TaskId> now);
// A data choice was offered `now` options where the record had `recorded`.
std::string changed_value(std::size_t choice, std::uint32_t recorded, std::uint32_t now);
// A data choice came where the record had a choice of task, or (`value` false) the other way round.
std::string changed_kind(std::size_t choice, bool value);
// `task`'s `nth` step (1-based) began with another operation, or on another object, than the
// recorded step there.
std::string changed_step(TaskId task, std::uint32_t nth, OpKind recorded, OpKind now);
// `task`'s `nth` step, run because nothing else could, began no recorded branch.
std::string unrecorded_step(TaskId task, std::uint32_t nth, OpKind now);
// A recorded branch's task could not run where the record had it run.
std::string missing_task(std::size_t choice, std::span<const TaskId> now);
// Two racing steps, for the first race DPOR could not order.
std::string race_steps(TaskId earlier, std::uint32_t earlier_nth, TaskId later, std::uint32_t later_nth);

}  // namespace sim
