// walk(): every statement and expression under a block (or an expression), for the passes that
// scan a checked program (what real threads cannot run, what a state search cannot capture).
//
//   walk(block, [](const Stmt& s) { ...; return true; }, [](const Expr& e) { ...; return true; });
//
// Each callback returns whether to go below the node. Nodes come parents first, in no promised
// order among siblings. The walk keeps its own stack, not the C++ one: expressions nest as deep
// as the parser allows, and a scenario's backend scans its program on a task's fiber. Procedure
// bodies are not entered: a pass that follows calls does so from its expression callback.
#pragma once

#include <vector>

#include "lang/ast.hpp"

namespace lang {

namespace detail {
struct WalkItem {
  const Stmt* stmt = nullptr;
  const Expr* expr = nullptr;
};
}  // namespace detail

template <class OnStmt, class OnExpr>
void walk_from(std::vector<detail::WalkItem>& todo, OnStmt& on_stmt, OnExpr& on_expr) {
  while (!todo.empty()) {
    const detail::WalkItem item = todo.back();
    todo.pop_back();
    if (item.expr != nullptr) {
      const Expr& e = *item.expr;
      if (!on_expr(e)) continue;
      for (const Expr* x : {e.a, e.b}) {
        if (x != nullptr) todo.push_back({nullptr, x});
      }
      for (const Expr* arg : e.args) todo.push_back({nullptr, arg});
      continue;
    }
    const Stmt& s = *item.stmt;
    if (!on_stmt(s)) continue;
    // A map's procedure is a name the checker resolved (slot2), not an expression that runs.
    for (const Expr* x : {s.target, s.kind == StmtKind::MapPool ? nullptr : s.value, s.value2, s.index, s.index2, s.target2}) {
      if (x != nullptr) todo.push_back({nullptr, x});
    }
    for (const PrintItem& p : s.items) {
      if (p.expr != nullptr) todo.push_back({nullptr, p.expr});
    }
    for (const Stmt* b : s.body) todo.push_back({b, nullptr});
    for (const Stmt* b : s.orelse) todo.push_back({b, nullptr});
  }
}

template <class OnStmt, class OnExpr>
void walk(const Block& block, OnStmt& on_stmt, OnExpr& on_expr) {
  std::vector<detail::WalkItem> todo;
  for (const Stmt* s : block) todo.push_back({s, nullptr});
  walk_from(todo, on_stmt, on_expr);
}

template <class OnStmt, class OnExpr>
void walk(const Expr* e, OnStmt& on_stmt, OnExpr& on_expr) {
  if (e == nullptr) return;
  std::vector<detail::WalkItem> todo{{nullptr, e}};
  walk_from(todo, on_stmt, on_expr);
}

}  // namespace lang
