// Locations: a per-thread cache of symbolized code addresses, interned file names, and the walk
// to the first frame in the program's own code.
#include "interpose/locations.hpp"

#include <unwind.h>

#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "interpose/address_map.hpp"
#include "interpose/context.hpp"
#include "interpose/symbolizer.hpp"

namespace interpose {

namespace {

enum class Kind : std::uint8_t { User, System, Unknown };  // Unknown: no debug information

struct PcInfo {
  sim::Location where;
  Kind kind = Kind::Unknown;
  // For an Unknown pc reached from the program through a library without debug information:
  // where, relative to call_location's own frame, the stack holds the return address into the
  // program. Frame sizes are fixed per code address, so the next call from the same place finds
  // it there without unwinding (0: not known).
  std::ptrdiff_t caller_slot = 0;
};

// Interned "file\0function" texts: a Location's file is the part before the NUL, and the
// function after it is what sim::describe adds. Kept for the process's life.
std::mutex g_intern_lock;
std::unordered_set<std::string>* g_interned = nullptr;
std::unordered_set<const char*>* g_interned_ptrs = nullptr;

const char* intern(const std::string& file, const std::string& function) {
  std::string key = file;
  key.push_back('\0');
  key += function;
  const std::lock_guard<std::mutex> lock(g_intern_lock);
  if (g_interned == nullptr) {
    g_interned = new std::unordered_set<std::string>;
    g_interned_ptrs = new std::unordered_set<const char*>;
  }
  const char* p = g_interned->insert(std::move(key)).first->c_str();
  g_interned_ptrs->insert(p);
  return p;
}

const char* function_of(sim::Location where) {
  const std::lock_guard<std::mutex> lock(g_intern_lock);
  if (g_interned_ptrs == nullptr || g_interned_ptrs->count(where.file) == 0) return nullptr;
  return where.file + std::char_traits<char>::length(where.file) + 1;
}

// The last two parts of a path: "tests/std_bank_test.cpp", the same wherever the tree lies.
std::string shown_path(const std::string& path) {
  std::size_t cut = path.rfind('/');
  if (cut != std::string::npos && cut > 0) cut = path.rfind('/', cut - 1);
  return cut == std::string::npos ? path : path.substr(cut + 1);
}

PcInfo resolve(std::uintptr_t pc) {
  const Busy busy;
  static const bool registered = [] {
    sim::set_function_lookup(&function_of);
    return true;
  }();
  (void)registered;
  const std::vector<SourceFrame> frames = source_frames(pc);
  if (frames.empty()) return PcInfo{};
  for (const SourceFrame& f : frames) {
    if (!system_file(f.file)) return PcInfo{sim::Location{intern(shown_path(f.file), f.function), f.line}, Kind::User};
  }
  const SourceFrame& f = frames.front();
  return PcInfo{sim::Location{intern(shown_path(f.file), f.function), f.line}, Kind::System};
}

// Per OS thread, so the common case (an address seen before) takes no lock.
struct PcCache {
  AddressMap index;
  std::vector<PcInfo> infos;

  PcInfo at(std::uintptr_t pc) { return infos[find(pc)]; }
  std::uint32_t find(std::uintptr_t pc) {
    std::uint32_t i = index.find(pc);
    if (i == AddressMap::missing) [[unlikely]] {
      const Busy busy;  // growing the cache allocates: the heap hooks must not look here meanwhile
      i = static_cast<std::uint32_t>(infos.size());
      const PcInfo resolved = resolve(pc);  // may grow this cache's vectors
      infos.push_back(resolved);
      index.insert(pc, i);
    }
    return i;
  }
};

// Out of line: the fast path of cache() then saves no registers.
[[gnu::noinline, gnu::cold]] PcCache* make_cache() {
  static thread_local std::unique_ptr<PcCache> owner;
  const Busy busy;
  owner = std::make_unique<PcCache>();
  return owner.get();
}

// Called for every call the program makes to a hooked function.
PcCache& cache() {
  static constinit thread_local PcCache* mine = nullptr;
  if (mine == nullptr) [[unlikely]] mine = make_cache();
  return *mine;
}

// A return address points after its call: the call itself lies one byte before.
PcInfo info_of_return(std::uintptr_t pc) { return cache().at(pc - 1); }

// The first caller in the program's own code, by the task's shadow stack; false if none.
bool program_caller(sim::Execution& e, sim::Location* where) {
  const std::vector<std::uintptr_t>& frames = Context::here().task(e.current_task()).frames;
  for (std::size_t i = frames.size(); i-- > 0;) {
    const PcInfo f = info_of_return(frames[i]);
    if (f.kind == Kind::User) {
      *where = f.where;
      return true;
    }
  }
  return false;
}

sim::Location up_the_shadow_stack(sim::Execution& e, const PcInfo& first) {
  sim::Location where = first.where;
  program_caller(e, &where);
  return where;
}

struct Unwound {
  std::uintptr_t ip[32];
  std::uintptr_t cfa[32];
  int n = 0;
};

_Unwind_Reason_Code collect_unwound(_Unwind_Context* ctx, void* arg) {
  auto* u = static_cast<Unwound*>(arg);
  u->ip[u->n] = _Unwind_GetIP(ctx);
  u->cfa[u->n] = _Unwind_GetCFA(ctx);
  return ++u->n == 32 ? _URC_END_OF_STACK : _URC_NO_REASON;
}

// The place of the program's code a return address (read off the stack) stands for, if it is
// in the program's code.
bool place_of(sim::Execution& e, std::uintptr_t ret, sim::Location* where) {
  const PcInfo f = info_of_return(ret);
  if (f.kind == Kind::Unknown) return false;
  *where = f.kind == Kind::User ? f.where : up_the_shadow_stack(e, f);
  return true;
}

}  // namespace

bool access_location(sim::Execution& e, std::uintptr_t pc, sim::Location* where, bool* fixed) {
  const PcInfo info = info_of_return(pc);
  if (fixed != nullptr) *fixed = info.kind == Kind::User;
  if (info.kind == Kind::User) [[likely]] {
    *where = info.where;
    return true;
  }
  return program_caller(e, where);
}

bool program_location(sim::Execution& e, std::uintptr_t pc, sim::Location* where) {
  const PcInfo info = info_of_return(pc);
  if (info.kind == Kind::Unknown) return false;
  *where = info.kind == Kind::User ? info.where : up_the_shadow_stack(e, info);
  return true;
}

// Not inlined: the frame it makes is the fixed point the remembered caller slots count from.
[[gnu::noinline]] sim::Location call_location(sim::Execution& e, std::uintptr_t pc) {
  const PcInfo info = info_of_return(pc);
  if (info.kind == Kind::User) [[likely]] return info.where;
  if (info.kind == Kind::System) return up_the_shadow_stack(e, info);
  char anchor = 0;
  const auto here = reinterpret_cast<std::uintptr_t>(&anchor);
  asm volatile("" : : "r"(&anchor) : "memory");
  sim::Location where = info.where;
  // Another way up to the same pc may lay the stack out differently: the slot must at least lie
  // on this task's stack, and hold an address of the program's code.
  std::size_t depth = 0;
  if (info.caller_slot > 0 && e.stack_owner(reinterpret_cast<const void*>(here + info.caller_slot), &depth) == e.current_task() &&
      place_of(e, *reinterpret_cast<const std::uintptr_t*>(here + info.caller_slot), &where)) {
    return where;
  }
  // First time from here (or another way up): unwind to the first frame of the program, and
  // remember where its return address was found.
  Unwound u;
  {
    const Busy busy;
    _Unwind_Backtrace(&collect_unwound, &u);
  }
  int from = 0;
  while (from < u.n && u.ip[from] != pc) ++from;
  for (int i = from + 1; i < u.n; ++i) {
    if (!place_of(e, u.ip[i], &where)) continue;
    // The context libgcc hands over for the frame that returns to ip[i] has as its CFA the stack
    // address just above that return address.
    cache().infos[cache().find(pc - 1)].caller_slot = static_cast<std::ptrdiff_t>(u.cfa[i] - 8 - here);
    return where;
  }
  return info.where;
}

}  // namespace interpose
