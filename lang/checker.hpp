// Checker: resolves every name to a slot or a table index, checks types and arity, and builds
// the Program's tables. Stops at the first error with a diagnostic.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lang/limits.hpp"
#include "lang/program.hpp"

namespace lang {

// The characters a diagnostic underlines for an expression (at least one, for the caret).
inline std::uint32_t width(const Expr& e) { return e.end > e.begin ? e.end - e.begin : 1; }

// Whether `e`, as parsed, is one of the memory order words (relaxed, acquire, ...).
bool names_order(const Expr& e);

// Checks `module` (parsed from `source`) and returns the runnable Program. Throws lang::Error,
// also for more than `max_threads` threads (see LoadLimits).
std::unique_ptr<Program> check(std::unique_ptr<Source> source, Module module, std::uint32_t max_threads = 1000,
                               std::uint64_t max_elements = LoadLimits{}.max_elements);

class Checker {
 public:
  Checker(Program& program, std::uint32_t max_threads, std::uint64_t max_elements)
      : p_(program), src_(*program.source), max_threads_(max_threads), max_elements_(max_elements) {}
  void run();

 private:
  // What a global name stands for.
  enum class Sort : std::uint8_t { Variable, Procedure, Thread };
  struct Global {
    Sort sort = Sort::Variable;
    std::uint32_t index = 0;
    Pos pos;
  };
  struct Local {
    std::string_view name;
    std::uint32_t slot = 0;
    Type type = Type::Int;
    Pos pos;
    bool loop_variable = false;
  };
  // Where a body is being checked, for the rules that depend on it.
  enum class Context : std::uint8_t { Thread, Procedure, Finally, Invariant };

  // Declarations (checker.cpp).
  void expects();
  void declare(std::string_view name, Pos pos, Global g);
  void globals();
  void global(const GlobalDecl& d);
  void threads();
  void procedures();
  void body(Block& block, Context context, std::uint32_t& frame_size);
  [[noreturn]] void fail(Pos pos, std::string message, std::uint32_t width = 1) const;

  // Statements (checker_stmt.cpp).
  void block(Block& block);
  void statement(Stmt& s);
  void outside_atomic(const Stmt& s) const;  // fails on a statement that waits, inside 'atomic:'
  void let(Stmt& s);
  void lock(Stmt& s);
  void print(Stmt& s);
  void jump(const Stmt& s) const;  // 'break' or 'continue'
  void if_chain(Stmt& s);
  void loop(Stmt& s);
  void returned(Stmt& s);
  void assignment(Stmt& s);
  void object(Stmt& s);
  void element(std::uint32_t var, Expr* index, Pos pos, std::string_view use);
  std::uint32_t object_named(std::string_view name, Pos pos, std::initializer_list<GlobalKind> kinds,
                             std::string_view use);
  void declare_local(std::string_view name, Pos pos, Type type, std::uint32_t& slot, bool loop_variable);
  void open_scope() { scopes_.push_back(locals_.size()); }
  void close_scope();

  // The concurrency toolbox (checker_toolbox.cpp).
  void object_global(const GlobalDecl& d, Variable& v);
  std::int64_t count(Expr* e, std::int64_t least, std::string_view what);
  void toolbox(Stmt& s);
  void channel_operation(Stmt& s);
  void receiver(Expr& target, Type gives, std::string_view what);
  void channel_loop(Stmt& s);
  void loop_body(Stmt& s);
  void latch_wait(Stmt& s);
  void wait_mutex(Stmt& s);

  // Futures and thread pools (checker_futures.cpp).
  std::int64_t workers(Expr* e);
  void futures(Stmt& s);
  void submission(Stmt& s);
  void mapping(Stmt& s);
  void completed_loop(Stmt& s);

  // Expressions (checker_expr.cpp).
  Type expr(Expr& e);
  Type value(Expr& e);  // an expression whose value is used: no 'store', no value-less call
  void condition(Expr& e, std::string_view what);
  Type name(Expr& e);
  Type index(Expr& e);
  Type call(Expr& e);
  Type method(Expr& e);
  // Memory orders (checker_orders.cpp).
  Order order_word(const Expr& word, const std::string& expected) const;
  void method_order(Expr& e, std::size_t arity);  // takes the order argument off e.args
  void fence(Stmt& s);
  Type binary(Expr& e);
  void number(Expr& e, Type t, std::string_view what);
  void thread_name(Expr& literal);
  std::int64_t constant(Expr& e, Type& type);
  std::string unknown(std::string_view name, std::string_view what, bool variables, bool procedures);
  std::string describe(const Global& g) const;
  const Local* local(std::string_view name) const;

  // Processes, async tasks, the machine (checker_timing.cpp).
  void timing(Stmt& s);
  void process_memory(std::string_view name, Pos pos);
  void process_call(const ProcDecl& callee, std::string_view name, Pos pos);

  Program& p_;
  const Source& src_;
  std::uint32_t max_threads_;
  std::uint64_t max_elements_;
  std::uint64_t elements_ = 0;  // declared so far
  std::map<std::string_view, Global, std::less<>> globals_;
  std::vector<Local> locals_;
  std::vector<std::size_t> scopes_;  // locals_.size() when each open scope began
  std::uint32_t next_slot_ = 0;
  std::uint32_t frame_max_ = 0;
  Context context_ = Context::Thread;
  int loops_ = 0;
  int atomic_ = 0;
  ProcDecl* proc_ = nullptr;
  const ThreadDecl* task_ = nullptr;  // the thread, process or async task being checked
};

}  // namespace lang
