// SimCells: reads and writes of a scenario's cells as steps on Execution objects, `atomic:`
// blocks as one step, and print as a step on the shared output.
#include "lang/sim/sim_backend.hpp"

namespace lang {

void show_int(const void* value, std::string& out) { out += std::to_string(*static_cast<const std::int64_t*>(value)); }

namespace {

void format_bool(const void* p, std::string& out) { out += *static_cast<const std::int64_t*>(p) != 0 ? "true" : "false"; }
void format_text(const void* p, std::string& out) { out += *static_cast<const std::string*>(p); }

sim::ValueRef value_ref(const Program& p, std::uint32_t cell, const std::int64_t* v) {
  return sim::ValueRef{v, p.cell_types[cell] == Type::Bool ? &format_bool : &show_int};
}

}  // namespace

SimCells::SimCells(SimBackend& b) : b_(b) {
  values_ = b.state().cells.data();
  const Program& p = b.program();
  kinds_.resize(p.cell_names.size());
  created_.resize(p.cell_names.size());
  for (const Variable& v : p.vars) {
    if (v.kind != GlobalKind::Shared && v.kind != GlobalKind::Atomic) continue;
    for (std::uint32_t i = 0; i < v.size; ++i) {
      kinds_[v.first + i] = v.kind == GlobalKind::Atomic ? sim::ObjectKind::Atomic : sim::ObjectKind::Shared;
      created_[v.first + i] = p.location(v.pos);
    }
  }
}

sim::ObjectId SimCells::object(std::uint32_t cell) {
  sim::ObjectId& id = b_.state().cell_ids[cell];
  if (id == sim::no_object) [[unlikely]] id = b_.execution().add_object(kinds_[cell], b_.program().cell_names[cell], created_[cell]);
  return id;
}

std::int64_t SimCells::load(std::uint32_t cell, sim::Location at, bool step) {
  sim::Execution& e = b_.execution();
  const sim::ObjectId id = object(cell);
  const sim::OpKind kind = kinds_[cell] == sim::ObjectKind::Atomic ? sim::OpKind::AtomicLoad : sim::OpKind::Read;
  if (step) {
    e.schedule(kind, id, at);
  } else {
    e.note_access(kind, id, at);  // inside an `atomic:` block: part of the block's one step
  }
  const std::int64_t v = b_.state().cells[cell];
  if (e.observed()) e.publish(kind, id, at, value_ref(b_.program(), cell, &v));
  return v;
}

void SimCells::store(std::uint32_t cell, std::int64_t value, sim::Location at, bool step) {
  sim::Execution& e = b_.execution();
  const sim::ObjectId id = object(cell);
  const sim::OpKind kind = kinds_[cell] == sim::ObjectKind::Atomic ? sim::OpKind::AtomicStore : sim::OpKind::Write;
  if (step) {
    e.schedule(kind, id, at);
  } else {
    e.note_access(kind, id, at);
  }
  std::int64_t& slot = b_.state().cells[cell];
  slot = value;
  if (e.observed()) e.publish(kind, id, at, value_ref(b_.program(), cell, &slot));
}

std::int64_t SimCells::update(std::uint32_t cell, Next next, void* context, sim::Location at, bool step) {
  sim::Execution& e = b_.execution();
  const sim::ObjectId id = object(cell);
  if (step) {
    e.schedule(sim::OpKind::AtomicRmw, id, at);
  } else {
    e.note_access(sim::OpKind::AtomicRmw, id, at);
  }
  std::int64_t& value = b_.state().cells[cell];
  const std::int64_t old = value;
  value = next(context, old);
  if (e.observed()) e.publish(sim::OpKind::AtomicRmw, id, at, value_ref(b_.program(), cell, &value));
  return old;
}

// One step for the whole block, shown as taking a lock named "atomic": every access inside is
// ordered with every other atomic block, and a plain access elsewhere still races with them.
void SimCells::atomic_begin(sim::Location at) {
  sim::Execution& e = b_.execution();
  const sim::ObjectId id = b_.named_object(b_.state().atomic, sim::ObjectKind::Mutex, atomic_name_);
  e.schedule(sim::OpKind::Lock, id, at);
  e.publish(sim::OpKind::Lock, id, at);
}

void SimCells::atomic_end(sim::Location at) {
  b_.execution().publish(sim::OpKind::Unlock, b_.named_object(b_.state().atomic, sim::ObjectKind::Mutex, atomic_name_), at);
}

// Output goes to one stream every thread shares, so each print is a step on it.
void SimCells::print(const std::string& text, sim::Location at, bool step) {
  sim::Execution& e = b_.execution();
  const sim::ObjectId id = b_.named_object(b_.state().output, sim::ObjectKind::Shared, output_name_);
  if (step) e.schedule(sim::OpKind::Print, id, at);
  if (e.observed()) e.publish(sim::OpKind::Print, id, at, sim::ValueRef{&text, &format_text});
}

}  // namespace lang
