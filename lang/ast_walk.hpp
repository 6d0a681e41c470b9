// walk(): every statement and expression of a block, in source order, for the passes that scan
// a checked program (what real threads cannot run, what a state search cannot capture).
//
//   walk(block, [](const Stmt& s) { ...; return true; }, [](const Expr& e) { ...; return true; });
//
// Each callback returns whether to go below the node. Procedure bodies are not entered: a pass
// that follows calls does so from its expression callback (ExprKind::CallProc's slot).
#pragma once

#include "lang/ast.hpp"

namespace lang {

template <class OnStmt, class OnExpr>
void walk(const Expr* e, OnStmt& on_stmt, OnExpr& on_expr) {
  if (e == nullptr || !on_expr(*e)) return;
  walk(e->a, on_stmt, on_expr);
  walk(e->b, on_stmt, on_expr);
  for (const Expr* arg : e->args) walk(arg, on_stmt, on_expr);
}

template <class OnStmt, class OnExpr>
void walk(const Block& block, OnStmt& on_stmt, OnExpr& on_expr) {
  for (const Stmt* s : block) {
    if (!on_stmt(*s)) continue;
    // A map's procedure is a name the checker resolved (slot2), not an expression that runs.
    for (const Expr* e : {s->target, s->kind == StmtKind::MapPool ? nullptr : s->value, s->value2, s->index, s->index2, s->target2}) {
      walk(e, on_stmt, on_expr);
    }
    for (const PrintItem& item : s->items) walk(item.expr, on_stmt, on_expr);
    walk(s->body, on_stmt, on_expr);
    walk(s->orelse, on_stmt, on_expr);
  }
}

}  // namespace lang
