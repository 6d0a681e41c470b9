// What `interleave real` can run: the first statement or expression RealBackend has no
// counterpart for, as a diagnostic, so a scenario is refused before it runs rather than run wrong.
#include "lang/real/real_runner.hpp"
#include "lang/ast_walk.hpp"

namespace lang {

namespace {

// Statements and expressions RealBackend runs; a kind added to the language later is refused
// until it is listed here.
bool runs_for_real(StmtKind kind) {
  switch (kind) {
    case StmtKind::Let:
    case StmtKind::Assign:
    case StmtKind::AddAssign:
    case StmtKind::SubAssign:
    case StmtKind::If:
    case StmtKind::While:
    case StmtKind::Repeat:
    case StmtKind::For:
    case StmtKind::Lock:
    case StmtKind::Acquire:
    case StmtKind::Release:
    case StmtKind::Wait:
    case StmtKind::Notify:
    case StmtKind::NotifyAll:
    case StmtKind::Atomic:
    case StmtKind::Yield:
    case StmtKind::Sleep:
    case StmtKind::Print:
    case StmtKind::Assert:
    case StmtKind::Return:
    case StmtKind::Break:
    case StmtKind::Continue:
    case StmtKind::Pass:
    case StmtKind::Call:
    case StmtKind::LockFor:
    case StmtKind::Read:
    case StmtKind::Write:
    case StmtKind::CountDown:
    case StmtKind::ArriveAndWait:
    case StmtKind::ArriveAndDrop:
    case StmtKind::Await:
    case StmtKind::Send:
    case StmtKind::Recv:
    case StmtKind::Close:
    case StmtKind::Select:
    case StmtKind::ForChannel:
    case StmtKind::Compute:
    case StmtKind::AwaitSleep:
    case StmtKind::SetFuture:
    case StmtKind::GetFuture:
    case StmtKind::Submit:
    case StmtKind::MapPool:
    case StmtKind::Shutdown:
    case StmtKind::ForCompleted:
    case StmtKind::Fence: return true;
    default: return false;
  }
}

bool runs_for_real(ExprKind kind) {
  switch (kind) {
    case ExprKind::Int:
    case ExprKind::Bool:
    case ExprKind::String:
    case ExprKind::Id:
    case ExprKind::Self:
    case ExprKind::Neg:
    case ExprKind::Binary:
    case ExprKind::And:
    case ExprKind::Or:
    case ExprKind::Not:
    case ExprKind::Local:
    case ExprKind::Global:
    case ExprKind::CallProc:
    case ExprKind::AtomicOp:
    case ExprKind::ThreadName: return true;
    default: return false;
  }
}

struct Scan {
  const Program& p;
  std::optional<Diagnostic> found;

  void refuse(Pos pos, std::uint32_t begin, std::uint32_t end, const std::string& what) {
    if (found) return;
    std::string_view text = p.text(begin, end);
    const std::size_t space = text.find_first_of(" :(");
    const std::string_view word = text.substr(0, space);
    found = Diagnostic{p.path(), pos, static_cast<std::uint32_t>(std::max<std::size_t>(word.size(), 1)),
                       "'" + std::string(word) + "' " + what + "cannot run on real threads yet ('interleave real' runs shared and atomic " +
                           "variables, mutexes, conditions, semaphores, rwlocks, latches, barriers, channels, select, futures, thread " +
                           "pools, as_completed, sleep, compute and async tasks; 'interleave run' explores this scenario)",
                       std::string(p.source->line(pos.line))};
  }
  // Refuses the first node real threads cannot run, and looks no further.
  bool stmt_runs(const Stmt& s) {
    if (!found && !runs_for_real(s.kind)) refuse(s.pos, s.begin, s.end, "");
    return !found;
  }
  bool expr_runs(const Expr& e) {
    if (!found && !runs_for_real(e.kind)) refuse(e.pos, e.begin, e.end, "(in an expression) ");
    return !found;
  }
  template <class Node>
  void scan(const Node& node) {
    auto on_stmt = [this](const Stmt& s) { return stmt_runs(s); };
    auto on_expr = [this](const Expr& e) { return expr_runs(e); };
    walk(node, on_stmt, on_expr);
  }
};

}  // namespace

std::optional<Diagnostic> refused_on_real_threads(const Program& program) {
  Scan scan{program, std::nullopt};
  for (const ThreadDecl& t : program.module.threads) scan.scan(t.body);
  for (const ProcDecl& proc : program.module.procs) scan.scan(proc.body);
  for (const Expr* inv : program.module.invariants) scan.scan(inv);
  scan.scan(program.module.finally);
  return scan.found;
}

}  // namespace lang
