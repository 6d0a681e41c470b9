// Accesses: values for the story, and the plain-access step.
#include "interpose/accesses.hpp"

#include <fmt/format.h>

#include <cstring>
#include <iterator>
#include <string>

#include "interpose/context.hpp"
#include "interpose/locations.hpp"

namespace interpose {

namespace {

struct IntValue {
  std::int64_t v = 0;
};

void format_int(const void* p, std::string& out) {
  fmt::format_to(std::back_inserter(out), "{}", static_cast<const IntValue*>(p)->v);
}

// User-space addresses on x86-64 lie below 2^47, and mappings start well above 2^32.
bool looks_like_address(std::int64_t v) { return v >= (std::int64_t{1} << 32) && v < (std::int64_t{1} << 47); }

}  // namespace

std::int64_t read_int(std::uintptr_t address, std::uint32_t size) {
  const void* p = reinterpret_cast<const void*>(address);
  switch (size) {
    case 1: { std::int8_t x; std::memcpy(&x, p, 1); return x; }
    case 2: { std::int16_t x; std::memcpy(&x, p, 2); return x; }
    case 4: { std::int32_t x; std::memcpy(&x, p, 4); return x; }
    default: { std::int64_t x; std::memcpy(&x, p, 8); return x; }
  }
}

void publish_value(sim::Execution& e, sim::OpKind kind, sim::ObjectId id, sim::Location where, std::int64_t value) {
  // A pointer's value changes from run to run: a story that printed it would not be the same twice.
  if (looks_like_address(value)) return e.publish(kind, id, where);
  const IntValue shown{value};
  e.publish(kind, id, where, sim::ValueRef{&shown, &format_int});
}

namespace {

// A store's bits as the integer of `size` bytes they hold, sign-extended as read_int does.
std::int64_t signed_value(std::uint64_t bits, std::uint32_t size) {
  const unsigned shift = 64 - 8 * size;
  return static_cast<std::int64_t>(bits << shift) >> shift;
}

struct StaleLoad {
  const sim::Execution* e;
  std::uint32_t size;
  const sim::MemoryModel::Store* read;
  const sim::MemoryModel::Store* latest;
};

void format_stale(const void* p, std::string& out) {
  const auto& s = *static_cast<const StaleLoad*>(p);
  sim::tell_stale(*s.e, *s.read, std::to_string(signed_value(s.read->value, s.size)), *s.latest,
                  std::to_string(signed_value(s.latest->value, s.size)), out);
}

}  // namespace

void publish_stale(sim::Execution& e, sim::ObjectId id, sim::Location where, std::uint32_t size,
                   const sim::MemoryModel::Store& read, const sim::MemoryModel::Store& latest) {
  if (looks_like_address(signed_value(read.value, size)) || looks_like_address(signed_value(latest.value, size))) {
    return e.publish(sim::OpKind::AtomicLoad, id, where);
  }
  const StaleLoad stale{&e, size, &read, &latest};
  e.publish(sim::OpKind::AtomicLoad, id, where, sim::ValueRef{&stale, &format_stale});
}

void publish_access(sim::Execution& e, sim::OpKind kind, sim::ObjectId id, sim::Location where, std::uintptr_t address,
                    std::uint32_t size) {
  if (size == 0 || size > 8) return e.publish(kind, id, where);
  publish_value(e, kind, id, where, read_int(address, size));
}

namespace {

// A needless access is numbered as if its event were built: a write when it would be published.
void skip(sim::Execution& e, Context& c, bool write) {
  if (!write) return e.skip_event();
  PendingWrite w;
  w.task = e.current_task();
  w.needless = true;
  c.defer_write(w);
}

// The access when it is not known needless: found, named, scheduled if accesses switch, published.
[[gnu::always_inline]] inline void watched_access(sim::Execution& e, Context& c, std::uintptr_t address, std::uint32_t size, bool write,
                                      std::uintptr_t pc, bool switching, bool again) {
  sim::Location where;
  bool fixed = false;
  if (!access_location(e, pc, &where, &fixed)) return;
  const sim::ObjectId id = c.memory(e, address, sim::ObjectKind::Shared, pc);
  const sim::OpKind kind = write ? sim::OpKind::Write : sim::OpKind::Read;
  if (switching) e.schedule(kind, id, where);
  if (!e.observed() || e.aborting()) return;
  // Only an access made before can be needless: the observers are asked about those alone.
  const bool needless = again && e.needless(kind, id);
  if (fixed && !switching) c.note_access(e, address, size, write, pc, needless);
  if (write) {
    c.defer_write(PendingWrite{address, size, id, where, e.current_task(), false, 0, needless});
    return;
  }
  if (needless) return e.skip_event();
  publish_access(e, kind, id, where, address, size);
}

}  // namespace

void plain_access(sim::Execution& e, std::uintptr_t address, std::uint32_t size, bool write, std::uintptr_t pc) {
  Context& c = Context::here();
  // A thread_local is one copy for all tasks in the model: not a variable to check for races,
  // and the program's own are watched for being shared (Context::thread_local_access).
  if (c.thread_local_storage(address)) [[unlikely]] return c.thread_local_access(e, address, pc);
  const bool switching = e.switch_at_plain_accesses();
  if (!switching && !e.observed()) return;
  if (e.aborting() || !e.in_task()) return;
  c.sync(e);
  // A loop's accesses mostly repeat one its task made since its last synchronisation: the race
  // detector and DPOR keep nothing new from them, so they are numbered and not built.
  const Context::Known known = switching ? Context::Known::New : c.known(e, address, size, write, pc);
  if (known == Context::Known::Needless) [[likely]] return skip(e, c, write);
  watched_access(e, c, address, size, write, pc, switching, known == Context::Known::Again);
}

}  // namespace interpose
