// Checker: the timing model's rules — a process has its own memory, only an async task awaits.
#include "lang/checker.hpp"

namespace lang {

void Checker::timing(Stmt& s) {
  if (s.kind != StmtKind::AwaitSleep) return;
  if (context_ != Context::Thread || task_ == nullptr || task_->kind != TaskKind::Async) {
    fail(s.pos, "'await' belongs in an 'async' task: only there is there an event loop to give way to "
                "(a thread or process waits with a plain 'sleep')", 5);
  }
}

// A process has memory of its own: the globals are the main process's, shared by its threads.
void Checker::process_memory(std::string_view name, Pos pos) {
  auto it = globals_.find(name);
  if (it == globals_.end() || it->second.sort != Sort::Variable) return;
  if (proc_ != nullptr) proc_->shares = true;
  if (context_ != Context::Thread || task_ == nullptr || task_->kind != TaskKind::Process) return;
  fail(pos, "a process has its own memory: it cannot use '" + std::string(name) +
                "', which the threads of the main process share; give each process its own copy, or pass values "
                "between processes through a queue",
       static_cast<std::uint32_t>(name.size()));
}

void Checker::process_call(const ProcDecl& callee, std::string_view name, Pos pos) {
  if (proc_ != nullptr && callee.shares) proc_->shares = true;
  if (!callee.shares || context_ != Context::Thread || task_ == nullptr || task_->kind != TaskKind::Process) return;
  fail(pos, "a process has its own memory: '" + std::string(name) +
                "' uses variables the threads of the main process share, so a process cannot call it; pass values "
                "between processes through a queue",
       static_cast<std::uint32_t>(name.size()));
}

}  // namespace lang
