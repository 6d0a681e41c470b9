// Program: a checked scenario — the AST plus the resolved tables the interpreter indexes by number.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lang/ast.hpp"
#include "lang/source.hpp"
#include "sim/core/ids.hpp"

namespace lang {

// One declared global: a shared or atomic variable (scalar or array), a mutex, a condition or a semaphore.
struct Variable {
  std::string name;
  GlobalKind kind = GlobalKind::Shared;
  Type type = Type::Int;
  bool array = false;
  std::uint32_t size = 1;     // elements (1 for a scalar)
  std::uint32_t first = 0;    // Shared/Atomic: its first cell; others: its index among its kind
  std::int64_t initial = 0;   // Semaphore: the initial count; Latch, Barrier: the expected count; Pool: its workers
  std::int64_t limit = -1;    // Channel: the capacity (-1: unbounded); Semaphore: the max (-1: none)
  Flavour flavour = Flavour::Plain;
  Pos pos;

  // The name of element i (from 0): "slots[3]", or the variable's own for a scalar.
  std::string element_name(std::uint32_t i) const { return array ? name + "[" + std::to_string(i) + "]" : name; }
};

// One thread the scenario starts (a `thread worker[4]:` declaration starts four).
struct ThreadSpec {
  std::string name;          // "alice", "worker[2]"
  std::uint32_t decl = 0;    // index into module.threads
  std::int64_t id = 0;       // position among the threads its declaration starts
  Pos pos;
  std::uint32_t process = 0;  // 0: the main process; a `process` declaration starts one per task
  bool async = false;         // an `async` task: runs on the event loop, gives way only at `await`
};

struct Program {
  std::unique_ptr<Source> source;  // the text every name in the module points into
  Module module;
  std::vector<std::string> expects;  // outcome names as written in `expect`, in order; empty if none
  std::vector<Variable> vars;
  std::vector<ThreadSpec> threads;
  // Cells: one per shared or atomic variable element, numbered in declaration order.
  std::vector<std::string> cell_names;  // "balance", "slots[3]"; the names objects report under
  std::vector<std::int64_t> cell_initial;
  std::vector<Type> cell_types;
  std::uint32_t mutexes = 0;
  std::uint32_t conditions = 0;
  std::uint32_t semaphores = 0;
  std::uint32_t channels = 0;
  std::uint32_t rwlocks = 0;
  std::uint32_t latches = 0;
  std::uint32_t barriers = 0;
  std::uint32_t futures = 0;
  std::uint32_t pools = 0;
  // A hash of the scenario's tokens (comments and layout left out), noted in every execution's
  // fingerprint so that a replay token recorded on another scenario is refused.
  std::uint64_t fingerprint = 0;

  const char* path() const { return source->path(); }
  sim::Location location(Pos pos) const { return sim::Location{source->path(), pos.line}; }
  // The source text of an expression or statement, as written.
  std::string_view text(std::uint32_t begin, std::uint32_t end) const {
    return std::string_view(source->text()).substr(begin, end > begin ? end - begin : 0);
  }
  std::string_view text(const Expr& e) const { return text(e.begin, e.end); }
};

}  // namespace lang
