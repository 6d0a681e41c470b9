// SimCells: reads and writes of a scenario's cells as steps on Execution objects, `atomic:`
// blocks as one step, and print as a step on the shared output. Atomic cells go through the
// execution's memory model when it has one (as sim::Atomic does), with the order written.
#include "lang/sim/sim_backend.hpp"

#include "sim/core/memory_model.hpp"
#include "sim/sync/atomic.hpp"

namespace lang {

void show_int(const void* value, std::string& out) { out += std::to_string(*static_cast<const std::int64_t*>(value)); }

namespace {

void format_bool(const void* p, std::string& out) { out += *static_cast<const std::int64_t*>(p) != 0 ? "true" : "false"; }
void format_text(const void* p, std::string& out) { out += *static_cast<const std::string*>(p); }

using Format = void (*)(const void*, std::string&);

Format format_of(const Program& p, std::uint32_t cell) { return p.cell_types[cell] == Type::Bool ? &format_bool : &show_int; }

sim::ValueRef value_ref(const Program& p, std::uint32_t cell, const std::int64_t* v) { return sim::ValueRef{v, format_of(p, cell)}; }

// A load that read an older store than the latest, and which store it was, in words, as
// sim::Atomic tells it: "false (the initial value, although sender had stored true at t.scn:9)".
struct Stale {
  std::int64_t value;
  const sim::Execution* e;
  const sim::MemoryModel::Store* read;
  const sim::MemoryModel::Store* latest;
  Format shown;
  static void format(const void* p, std::string& out) {
    const auto& s = *static_cast<const Stale*>(p);
    const auto latest = static_cast<std::int64_t>(s.latest->value);
    std::string value, latest_value;
    s.shown(&s.value, value);
    s.shown(&latest, latest_value);
    sim::tell_stale(*s.e, *s.read, value, *s.latest, latest_value, out);
  }
};

// The interpreter's next() for the memory model, which asks it about each store it could read.
struct Ask {
  Cells::Next next;
  void* context;
  static std::optional<std::uint64_t> quietly(const void* a, std::uint64_t seen) {
    const Ask& ask = *static_cast<const Ask*>(a);
    const std::optional<std::int64_t> r = ask.next(ask.context, static_cast<std::int64_t>(seen), Cells::Check::Quiet);
    if (!r) return std::nullopt;
    return static_cast<std::uint64_t>(*r);
  }
};

// A scenario's order as the memory model's: the same five, in the same order.
sim::MemoryOrder model_order(Order order) { return static_cast<sim::MemoryOrder>(order); }
static_assert(static_cast<int>(sim::MemoryOrder::Relaxed) == static_cast<int>(Order::Relaxed) &&
              static_cast<int>(sim::MemoryOrder::AcqRel) == static_cast<int>(Order::AcqRel) &&
              static_cast<int>(sim::MemoryOrder::SeqCst) == static_cast<int>(Order::SeqCst));

// A compare-and-swap's order when it fails (it only reads), derived as C++ derives it.
Order failure_order(Order order) {
  if (order == Order::AcqRel) return Order::Acquire;
  if (order == Order::Release) return Order::Relaxed;
  return order;
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

// The atomic cell's location in the execution's memory model, started from the cell's value on
// its first use; null for a shared cell, or when atomics run sequentially consistently (then a
// weaker `order` is a gap the report names).
sim::MemoryModel* SimCells::model(std::uint32_t cell, sim::ObjectId id, Order order) {
  if (kinds_[cell] != sim::ObjectKind::Atomic) return nullptr;
  return b_.execution().atomic_model(id, model_order(order), sim::Execution::Writers::Model,
                                     [&] { return static_cast<std::uint64_t>(b_.state().cells[cell]); });
}

std::int64_t SimCells::load(std::uint32_t cell, sim::Location at, bool step, Order order) {
  sim::Execution& e = b_.execution();
  const sim::ObjectId id = object(cell);
  const sim::OpKind kind = kinds_[cell] == sim::ObjectKind::Atomic ? sim::OpKind::AtomicLoad : sim::OpKind::Read;
  if (step) {
    e.schedule(kind, id, at);
  } else {
    e.note_access(kind, id, at);  // inside an `atomic:` block: part of the block's one step
  }
  sim::MemoryModel* m = model(cell, id, order);
  const std::int64_t v = m != nullptr ? static_cast<std::int64_t>(m->load(e, id, model_order(order))) : b_.state().cells[cell];
  if (e.observed()) {
    if (m != nullptr && m->last_read_was_stale()) {
      const Stale stale{v, &e, &m->last_read(), &m->latest_store(id), format_of(b_.program(), cell)};
      e.publish(kind, id, at, sim::ValueRef{&stale, &Stale::format});
    } else {
      e.publish(kind, id, at, value_ref(b_.program(), cell, &v));
    }
  }
  return v;
}

void SimCells::store(std::uint32_t cell, std::int64_t value, sim::Location at, bool step, Order order) {
  sim::Execution& e = b_.execution();
  const sim::ObjectId id = object(cell);
  const sim::OpKind kind = kinds_[cell] == sim::ObjectKind::Atomic ? sim::OpKind::AtomicStore : sim::OpKind::Write;
  if (step) {
    e.schedule(kind, id, at);
  } else {
    e.note_access(kind, id, at);
  }
  std::int64_t& slot = b_.state().cells[cell];
  if (sim::MemoryModel* m = model(cell, id, order)) {
    // The store may go before a later one in modification order: the cell keeps the latest.
    m->store(e, id, static_cast<std::uint64_t>(value), model_order(order), at);
    slot = static_cast<std::int64_t>(m->latest(id));
  } else {
    slot = value;
  }
  if (e.observed()) e.publish(kind, id, at, value_ref(b_.program(), cell, &value));
}

std::int64_t SimCells::update(std::uint32_t cell, Next next, void* context, sim::Location at, bool step, Order order) {
  sim::Execution& e = b_.execution();
  const sim::ObjectId id = object(cell);
  if (step) {
    e.schedule(sim::OpKind::AtomicRmw, id, at);
  } else {
    e.note_access(sim::OpKind::AtomicRmw, id, at);
  }
  std::int64_t& value = b_.state().cells[cell];
  std::int64_t old = value;
  std::optional<std::int64_t> wrote;
  if (sim::MemoryModel* m = model(cell, id, order)) {
    const Ask ask{next, context};
    const sim::MemoryModel::Next erased{&ask, &Ask::quietly};
    old = static_cast<std::int64_t>(m->update(e, id, model_order(order), model_order(failure_order(order)), erased, at));
    // Asked last about the value read, so its runtime error (and a cas's result) is that one's,
    // raised before the cell shows the new value.
    wrote = next(context, old, Check::Errors);
    value = static_cast<std::int64_t>(m->latest(id));
  } else {
    wrote = next(context, old, Check::Errors);
    if (wrote) value = *wrote;
  }
  const std::int64_t shown = wrote.value_or(old);
  if (e.observed()) e.publish(sim::OpKind::AtomicRmw, id, at, value_ref(b_.program(), cell, &shown));
  return old;
}

// As std::atomic_thread_fence in simulated C++ code: a seq_cst fence is a step, the others only
// change what the task's own atomics synchronise with.
void SimCells::fence(Order order, sim::Location at) {
  constexpr std::memory_order orders[] = {std::memory_order_relaxed, std::memory_order_acquire, std::memory_order_release,
                                          std::memory_order_acq_rel, std::memory_order_seq_cst};
  sim::atomic_thread_fence(orders[static_cast<std::size_t>(order)], at);
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
