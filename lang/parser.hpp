// Parser: recursive descent from tokens to a Module; stops at the first error with a diagnostic.
//
// Each parse function opens with the grammar rule it implements. Errors name what was expected
// and what was found, and which construct is left open ("expected ')' (to close '(' at line 3),
// found end of line"), in the manner of lua's parser.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lang/ast.hpp"
#include "lang/lexer.hpp"
#include "lang/source.hpp"

namespace lang {

// Parses the whole file. Throws lang::Error for the first mistake, or for nesting deeper than
// `max_nesting` allows (see LoadLimits).
Module parse(const Source& source, Lexed lexed, std::uint32_t max_nesting = 100);

// "(to close '(' at line 3)": what an expected closing token would close.
std::string closes(const Token& open);

class Parser {
 public:
  Parser(const Source& source, Lexed& lexed, Module& out, std::uint32_t max_nesting = 100);
  void module();

 private:
  // Tokens.
  const Token& peek(std::size_t ahead = 0) const;
  const Token& next();
  bool accept(Tok kind);
  bool at(Tok kind) const { return peek().kind == kind; }
  // Consume a `kind` token or fail with "expected <kind> <context>, found <token>".
  const Token& expect(Tok kind, std::string_view context);
  const Token& expect_name(std::string_view context);
  void end_of_line(std::string_view after);
  [[noreturn]] void fail(const Token& at, std::string message) const;
  std::string found(const Token& t) const;
  std::uint32_t offset(const Token& t) const;
  std::uint32_t previous_end() const;

  // Top level (parser.cpp).
  void top_level();
  void expect_line();
  void global(GlobalKind kind);
  void thread();
  bool timing_declaration(const Token& t);  // machine, process, async (parser_timing.cpp)
  void machine_line();
  Stmt* timing_statement();  // compute, await; null if the name starts no such statement
  Stmt* order_statement();   // fence; null if the name starts no such statement (parser_orders.cpp)
  void procedure();
  void invariant();
  void finally_block();

  // Statements (parser_stmt.cpp).
  Block block(const Token& opener);
  Stmt* statement();
  Stmt* simple_statement();
  [[noreturn]] void misplaced(const Token& t);
  Stmt* new_stmt(StmtKind kind, const Token& first);
  Stmt* if_statement(const Token& keyword);
  Stmt* loop_statement(const Token& keyword);
  Stmt* object_statement(const Token& keyword);
  Stmt* name_statement();
  Stmt* print_statement(const Token& keyword);
  Expr* element();

  // The concurrency toolbox (parser_toolbox.cpp).
  void toolbox_global(GlobalKind kind);
  void flavoured_mutex();
  Stmt* toolbox_statement(const Token& keyword);
  Stmt* channel_operation(const Token& keyword);
  Stmt* select_statement(const Token& keyword);
  Stmt* held_statement(const Token& keyword);
  Stmt* lock_for(Stmt* s, const Token& keyword);
  void receive_targets(Stmt* s, const std::string& written, std::string_view ok_meaning);

  // Futures and thread pools (parser_futures.cpp).
  bool futures_declaration(const Token& t);
  Stmt* futures_statement();  // null if the name starts no such statement
  void submission(Stmt* s, const std::string& written);
  void mapping(Stmt* s, const std::string& written);
  Stmt* completed_loop(Stmt* s, const Token& keyword);

  // Expressions (parser_expr.cpp).
  Expr* expression();
  Expr* or_expr();
  Expr* and_expr();
  Expr* not_expr();
  Expr* comparison();
  Expr* sum();
  Expr* term();
  Expr* unary();
  Expr* postfix();
  Expr* primary();
  Expr* new_expr(ExprKind kind, const Token& first);
  Expr* binary(Expr* left, BinOp op, Expr* right);
  std::vector<Expr*> arguments(const Token& open);
  std::vector<Expr*> method_arguments(const Token& open);  // an order word may be one
  void finish(Expr* e) const { e->end = previous_end(); }
  // One level deeper of blocks, parentheses, 'not' or '-'; fails past twice max_nesting_.
  void deeper(const Token& at, const char* what);
  [[noreturn]] void too_deep_expression(const Expr& e) const;

  const Source& src_;
  Lexed& lexed_;
  Module& out_;
  std::size_t at_ = 0;
  std::uint32_t max_nesting_;
  std::uint32_t depth_ = 0;  // nesting of expressions and blocks, bounded so no input exhausts the stack
};

}  // namespace lang
