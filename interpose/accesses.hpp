// Accesses: plain and atomic memory operations of the program as steps of the running task.
#pragma once

#include <atomic>
#include <cstdint>

#include "sim/core/execution.hpp"

namespace interpose {

// Whether any code of the program was compiled with -fsanitize=thread: without it (the flag
// forgotten, or lost to link-time optimisation) the threads' memory accesses are not seen.
inline constinit std::atomic<bool> instrumented_code{false};

// The integer of `size` bytes (1 to 8) at `address`, sign-extended (a story reads -1, not 4294967295).
std::int64_t read_int(std::uintptr_t address, std::uint32_t size);
// Publishes an access event showing `value` (unless it looks like a pointer, which differs from
// run to run).
void publish_value(sim::Execution& e, sim::OpKind kind, sim::ObjectId id, sim::Location where, std::int64_t value);
// Publishes an atomic load of `size` bytes that read `read`, an older store than `latest`: its
// value says which store it was ("0 (the initial value, although a had stored 1 at x.cpp:12)").
void publish_stale(sim::Execution& e, sim::ObjectId id, sim::Location where, std::uint32_t size,
                   const sim::MemoryModel::Store& read, const sim::MemoryModel::Store& latest);
// Publishes a read or write event whose value is the integer now at `address` (1 to 8 bytes).
void publish_access(sim::Execution& e, sim::OpKind kind, sim::ObjectId id, sim::Location where, std::uintptr_t address,
                    std::uint32_t size);

// An instrumented plain access (`pc`: the hook's return address): checked for races when the
// execution is observed, and a scheduling point when plain accesses switch.
void plain_access(sim::Execution& e, std::uintptr_t address, std::uint32_t size, bool write, std::uintptr_t pc);

// The guard of a function-local static (guard.cpp): a step of `kind` (an atomic load or store) on
// its first byte, placed at the program's `pc`, that shows `shown` (libstdc++ changes the byte
// itself, unseen); nothing outside a simulation.
void guard_step(volatile std::uint8_t* guard, sim::OpKind kind, void* pc, std::int64_t shown);

}  // namespace interpose
