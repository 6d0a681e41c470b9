// Checker: the top-level declarations — outcomes, globals and their cells, threads, procedures.
#include "lang/checker.hpp"

#include <algorithm>
#include <functional>

#include "lang/outcome.hpp"

namespace lang {

namespace {

constexpr std::int64_t max_array = 65536;

std::string_view kind_name(GlobalKind kind) {
  switch (kind) {
    case GlobalKind::Shared: return "shared variable";
    case GlobalKind::Atomic: return "atomic variable";
    case GlobalKind::Mutex: return "mutex";
    case GlobalKind::Condition: return "condition";
    case GlobalKind::Semaphore: return "semaphore";
    case GlobalKind::Channel: return "channel";
    case GlobalKind::RwLock: return "rwlock";
    case GlobalKind::Latch: return "latch";
    case GlobalKind::Barrier: return "barrier";
    case GlobalKind::Future: return "future";
    case GlobalKind::Pool: return "pool";
  }
  return "?";
}

// True if some `return` in the block (not in nested procedures: there are none) carries a value.
bool returns_value(const Block& block) {
  for (const Stmt* s : block) {
    if (s->kind == StmtKind::Return && s->value != nullptr) return true;
    if (returns_value(s->body) || returns_value(s->orelse)) return true;
  }
  return false;
}

}  // namespace

std::unique_ptr<Program> check(std::unique_ptr<Source> source, Module module, std::uint32_t max_threads, std::uint64_t max_elements) {
  auto p = std::make_unique<Program>();
  p->source = std::move(source);
  p->module = std::move(module);
  Checker(*p, max_threads, max_elements).run();
  return p;
}

void Checker::fail(Pos pos, std::string message, std::uint32_t width) const { src_.fail(pos, std::move(message), width); }

std::string Checker::describe(const Global& g) const {
  switch (g.sort) {
    case Sort::Procedure: return "a procedure";
    case Sort::Thread: return "a thread";
    case Sort::Variable: {
      const std::string_view kind = kind_name(p_.vars[g.index].kind);
      return (kind[0] == 'a' ? "an " : "a ") + std::string(kind);
    }
  }
  return "?";
}

void Checker::run() {
  expects();
  globals();
  procedures();
  threads();
  Module& m = p_.module;
  for (ProcDecl& d : m.procs) {
    proc_ = &d;
    open_scope();
    next_slot_ = 0;
    frame_max_ = 0;
    for (const NamePos& param : d.params) {
      std::uint32_t slot = 0;
      declare_local(param.name, param.pos, Type::Any, slot, false);
    }
    body(d.body, Context::Procedure, d.frame_size);
    close_scope();
    proc_ = nullptr;
  }
  for (ThreadDecl& d : m.threads) {
    task_ = &d;
    body(d.body, Context::Thread, d.frame_size);
  }
  task_ = nullptr;
  if (m.has_finally) body(m.finally, Context::Finally, m.finally_frame);
  context_ = Context::Invariant;
  for (Expr* e : m.invariants) condition(*e, "an invariant");
}

void Checker::body(Block& b, Context context, std::uint32_t& frame_size) {
  context_ = context;
  if (context != Context::Procedure) {
    next_slot_ = 0;
    frame_max_ = 0;
  }
  block(b);
  frame_size = frame_max_;
}

// expect := outcomes that exist, without repeats; 'ok' alone.
void Checker::expects() {
  const std::vector<std::string> names = outcome_names();
  std::vector<std::string_view> candidates(names.begin(), names.end());
  for (std::size_t i = 0; i < p_.module.expects.size(); ++i) {
    const NamePos& o = p_.module.expects[i];
    const auto width = static_cast<std::uint32_t>(o.name.size());
    if (std::find(names.begin(), names.end(), o.name) == names.end()) {
      std::string known;
      for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
      fail(o.pos, "unknown outcome '" + std::string(o.name) + "'" + did_you_mean(o.name, candidates) + "; outcomes are " + known, width);
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (p_.module.expects[j].name == o.name) fail(o.pos, "'" + std::string(o.name) + "' is listed twice", width);
    }
    if (o.name == "ok" && p_.module.expects.size() > 1) {
      fail(o.pos, "'ok' means no finding at all, so it cannot be combined with other outcomes", width);
    }
    p_.expects.emplace_back(o.name);
  }
}

void Checker::declare(std::string_view name, Pos pos, Global g) {
  if (auto it = globals_.find(name); it != globals_.end()) {
    // Blame whichever comes second in the file (threads are declared after variables here).
    const Pos first = it->second.pos;
    const bool earlier = pos.line < first.line || (pos.line == first.line && pos.col < first.col);
    if (!earlier) {
      fail(pos, "'" + std::string(name) + "' is already declared at line " + std::to_string(first.line) + " (as " + describe(it->second) + ")",
           static_cast<std::uint32_t>(name.size()));
    }
    const std::string what = g.sort == Sort::Procedure ? "a procedure" : g.sort == Sort::Thread ? "a thread" : "a variable";
    fail(first, "'" + std::string(name) + "' is already declared at line " + std::to_string(pos.line) + " (as " + what + ")",
         static_cast<std::uint32_t>(name.size()));
  }
  g.pos = pos;
  globals_.emplace(name, g);
}

void Checker::globals() {
  for (const GlobalDecl& d : p_.module.globals) global(d);
}

void Checker::global(const GlobalDecl& d) {
  Variable v;
  v.name = std::string(d.name.name);
  v.kind = d.kind;
  v.pos = d.name.pos;
  const auto index = static_cast<std::uint32_t>(p_.vars.size());
  if (d.size != nullptr) {
    Type t = Type::Int;
    const std::int64_t n = constant(*d.size, t);
    if (t != Type::Int || n < 1 || n > max_array) {
      fail(d.size->pos, "an array's size must be a number from 1 to " + std::to_string(max_array), d.size->end - d.size->begin);
    }
    v.array = true;
    v.size = static_cast<std::uint32_t>(n);
  }
  elements_ += v.size;
  if (elements_ > max_elements_) {
    fail(d.name.pos, "'" + v.name + "' brings the scenario to " + std::to_string(elements_) +
                         " elements of variables and objects, more than the limit of " + std::to_string(max_elements_) +
                         " (every execution builds them all; the limit is --max-elements)",
         static_cast<std::uint32_t>(v.name.size()));
  }
  if (d.kind != GlobalKind::Shared && d.kind != GlobalKind::Atomic) {
    object_global(d, v);
    declare(d.name.name, d.name.pos, Global{Sort::Variable, index, {}});
    p_.vars.push_back(std::move(v));
    return;
  }
  std::vector<std::int64_t> initial(v.size, 0);
  if (d.has_list) {
    if (d.init_list.size() != v.size) {
      fail(d.init_list.front()->pos, "'" + v.name + "' has " + std::to_string(v.size) + " element" + (v.size == 1 ? "" : "s") +
                                         " but the list gives " + std::to_string(d.init_list.size()));
    }
    for (std::size_t i = 0; i < d.init_list.size(); ++i) {
      Type t = Type::Int;
      initial[i] = constant(*d.init_list[i], t);
      if (i == 0) v.type = t;
      if (t != v.type) fail(d.init_list[i]->pos, "the list mixes numbers and bools");
    }
  } else if (d.init != nullptr) {
    Type t = Type::Int;
    std::fill(initial.begin(), initial.end(), constant(*d.init, t));
    v.type = t;
  }
  v.first = static_cast<std::uint32_t>(p_.cell_names.size());
  for (std::uint32_t i = 0; i < v.size; ++i) {
    p_.cell_names.push_back(v.element_name(i));
    p_.cell_initial.push_back(initial[i]);
    p_.cell_types.push_back(v.type);
  }
  declare(d.name.name, d.name.pos, Global{Sort::Variable, index, {}});
  p_.vars.push_back(std::move(v));
}

void Checker::procedures() {
  for (std::size_t i = 0; i < p_.module.procs.size(); ++i) {
    ProcDecl& d = p_.module.procs[i];
    declare(d.name.name, d.name.pos, Global{Sort::Procedure, static_cast<std::uint32_t>(i), {}});
    d.returns_value = returns_value(d.body);
    for (std::size_t a = 0; a < d.params.size(); ++a) {
      for (std::size_t b = 0; b < a; ++b) {
        if (d.params[a].name == d.params[b].name) {
          fail(d.params[a].pos, "parameter '" + std::string(d.params[a].name) + "' appears twice", static_cast<std::uint32_t>(d.params[a].name.size()));
        }
      }
    }
  }
}

void Checker::threads() {
  for (std::size_t i = 0; i < p_.module.threads.size(); ++i) {
    const ThreadDecl& d = p_.module.threads[i];
    std::int64_t id = 0;
    std::uint32_t processes = 0;
    for (const ThreadSpec& s : p_.threads) processes = std::max(processes, s.process);
    for (const ThreadDecl::Entry& e : d.names) {
      const auto width = static_cast<std::uint32_t>(e.name.name.size());
      if (e.name.name == "main") fail(e.name.pos, "'main' is the task that starts the threads and runs 'finally:'; name the thread otherwise", width);
      declare(e.name.name, e.name.pos, Global{Sort::Thread, static_cast<std::uint32_t>(p_.threads.size()), {}});
      std::int64_t count = 1;
      if (e.count != nullptr) {
        Type t = Type::Int;
        count = constant(*e.count, t);
        if (t != Type::Int || count < 1 || count > static_cast<std::int64_t>(max_threads_)) {
          fail(e.count->pos, "a thread array's size must be a number from 1 to " + std::to_string(max_threads_) + " (the limit is --max-tasks)",
               e.count->end - e.count->begin);
        }
      }
      for (std::int64_t k = 0; k < count; ++k) {
        if (p_.threads.size() >= max_threads_) {
          fail(e.name.pos, "more than " + std::to_string(max_threads_) + " threads (the limit is --max-tasks)", width);
        }
        std::string name(e.name.name);
        if (e.count != nullptr) name += "[" + std::to_string(k) + "]";
        const std::uint32_t process = d.kind == TaskKind::Process ? ++processes : 0;
        p_.threads.push_back(ThreadSpec{std::move(name), static_cast<std::uint32_t>(i), id++, e.name.pos, process, d.kind == TaskKind::Async});
      }
    }
  }
}

}  // namespace lang
