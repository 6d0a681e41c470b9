// What `interleave real` can run: the first statement or expression RealBackend has no
// counterpart for, as a diagnostic, so a scenario is refused before it runs rather than run wrong.
#include "lang/real/real_runner.hpp"

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
    case StmtKind::ForCompleted: return true;
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
  void expr(const Expr* e) {
    if (e == nullptr || found) return;
    if (!runs_for_real(e->kind)) return refuse(e->pos, e->begin, e->end, "(in an expression) ");
    expr(e->a);
    expr(e->b);
    for (const Expr* arg : e->args) expr(arg);
  }
  void block(const Block& b) {
    for (const Stmt* s : b) stmt(*s);
  }
  void stmt(const Stmt& s) {
    if (found) return;
    if (!runs_for_real(s.kind)) return refuse(s.pos, s.begin, s.end, "");
    // A map's procedure is a name the checker resolved (slot2), not an expression that runs.
    for (const Expr* e : {s.target, s.kind == StmtKind::MapPool ? nullptr : s.value, s.value2, s.index, s.index2}) expr(e);
    for (const PrintItem& item : s.items) expr(item.expr);
    block(s.body);
    block(s.orelse);
  }
};

}  // namespace

std::optional<Diagnostic> refused_on_real_threads(const Program& program) {
  Scan scan{program, std::nullopt};
  for (const ThreadDecl& t : program.module.threads) scan.block(t.body);
  for (const ProcDecl& proc : program.module.procs) scan.block(proc.body);
  for (const Expr* inv : program.module.invariants) scan.expr(inv);
  scan.block(program.module.finally);
  return scan.found;
}

}  // namespace lang
