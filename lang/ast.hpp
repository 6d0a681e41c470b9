// AST: the parsed scenario; the checker fills in the resolved fields the interpreter runs on.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "lang/diagnostics.hpp"

namespace lang {

// Static types, for messages and printing; `Any` is what procedure parameters and results hold.
enum class Type : std::uint8_t { Int, Bool, Name, Any };

enum class ExprKind : std::uint8_t {
  // As parsed.
  Int, Bool, String, Id, Self, Name, Index, Call, Method, Neg, Binary, And, Or, Not,
  // Filled in by the checker.
  Local,       // slot: frame slot
  Global,      // slot: variable index; a: the element index for arrays (else null)
  CallProc,    // slot: procedure index; args
  AtomicOp,    // slot: variable index; a: element index or null; method; args
  ThreadName,  // value: thread index (a string literal compared with `self`)
};

enum class BinOp : std::uint8_t { Add, Sub, Mul, Div, Mod, Eq, Ne, Lt, Le, Gt, Ge };
enum class Method : std::uint8_t { Load, Store, FetchAdd, FetchSub, Exchange, Cas };

// A memory order written on an atomic operation or a fence, as C++ spells them (consume is not
// offered); in the order of sim::MemoryOrder, which the simulation converts it to.
enum class Order : std::uint8_t { Relaxed, Acquire, Release, AcqRel, SeqCst };
const char* to_string(Order order);

struct Expr {
  ExprKind kind = ExprKind::Int;
  BinOp op = BinOp::Add;
  Method method = Method::Load;
  Order order = Order::SeqCst;  // AtomicOp: the order written last among its arguments, or seq_cst
  Type type = Type::Int;
  Pos pos;
  std::uint32_t begin = 0;  // source offsets of the expression's text, for messages
  std::uint32_t end = 0;
  std::uint32_t slot = 0;
  std::uint32_t depth = 1;  // height of the tree below, bounded by the parser (evaluation recurses)
  std::int64_t value = 0;   // Int and Bool literals; String: index into the string table
  std::string_view name;    // Name, Index, Call, Method: the name as written
  std::string_view member;  // Method: the method's name
  Pos member_pos;
  Expr* a = nullptr;
  Expr* b = nullptr;
  std::vector<Expr*> args;
};

enum class StmtKind : std::uint8_t {
  Let, Assign, AddAssign, SubAssign, If, While, Repeat, For, Lock, Acquire, Release, Wait, Notify,
  NotifyAll, Atomic, Yield, Sleep, Print, Assert, Return, Break, Continue, Pass, Call,
  // The concurrency toolbox (parser_toolbox.cpp).
  Send,          // name: channel; value: what is sent
  Recv,          // name: channel; target: where the value goes (or null); target2: the `ok` flag (or null)
  Close,         // name: channel
  Select,        // body: the cases (Send and Recv statements with bodies); orelse: the `else:` case
  ForChannel,    // name: the loop variable; name2: the channel; body
  Read,          // name: rwlock held shared for the body
  Write,         // name: rwlock held exclusively for the body
  LockFor,       // name: timed mutex; duration: the timeout; body if taken, orelse if timed out
  CountDown,     // name: latch; value: by how much (or null: 1)
  ArriveAndWait, // name: latch or barrier
  ArriveAndDrop, // name: barrier
  Await,         // name: latch (`wait done`, without a mutex)
  Compute, AwaitSleep,  // `compute 50ms` (CPU work), `await sleep 1s` (an async task gives way)
  // Futures and thread pools (parser_futures.cpp).
  SetFuture,     // name: future; value: the value it is set to
  GetFuture,     // name: future; target: where the value goes (or null); target2: the `ok` flag (or null)
  Submit,        // name: pool; value: the procedure call; name2: the future its result sets (or empty)
  MapPool,       // name: pool; value: the procedure (a Name); target: the inputs; target2: the outputs
  Shutdown,      // name: pool; cancel: drop the jobs not started
  ForCompleted,  // name: the loop variable; name2: the array of futures, taken in completion order
  Fence,         // name: the order word as written; order: what the checker made of it
};

// The keyword of a statement that waits or is a step of its own (what an `atomic:` block may not
// hold), or null for the others.
const char* waiting_keyword(StmtKind kind);

struct Stmt;
using Block = std::vector<Stmt*>;

struct PrintItem {
  Expr* expr = nullptr;  // null for a string literal
  std::int32_t string = -1;
};

struct Stmt {
  StmtKind kind = StmtKind::Pass;
  Pos pos;
  std::uint32_t begin = 0, end = 0;  // source offsets of the statement's first line
  Expr* target = nullptr;  // Assign*: what is assigned
  Expr* value = nullptr;   // Let/Assign*: the value; If/While: condition; Repeat: count; For: first;
                           // Return: result (or null); Assert: condition; Call: the call
  Expr* value2 = nullptr;  // For: the end (exclusive)
  std::string_view name;   // Let/For: the variable; Lock/Acquire/Release/Wait/Notify*: the object
  Pos name_pos;
  std::string_view name2;  // Wait: the mutex
  Pos name2_pos;
  Expr* index = nullptr;   // the element of an array of mutexes, conditions or semaphores
  Expr* index2 = nullptr;  // Wait: the mutex's element; ForChannel: the channel's element
  Expr* target2 = nullptr; // Recv: the `ok` flag
  std::uint32_t slot = 0;   // resolved: Let/For local slot; object statements: variable index
  std::uint32_t slot2 = 0;  // Wait: the mutex's variable index
  Block body;    // If: the branch taken; While/Repeat/For/Lock/Atomic: the body
  Block orelse;  // If: the else branch (an elif is an If inside it)
  std::vector<PrintItem> items;
  std::int32_t message = -1;  // Assert: string index, or -1
  std::int64_t duration = 0;  // Sleep, Compute, AwaitSleep: nanoseconds
  bool elif = false;          // If: this If is the `elif` of the one whose orelse holds it
  bool cancel = false;        // Shutdown: `shutdown p, cancel`
  Order order = Order::SeqCst;  // Fence
};

enum class GlobalKind : std::uint8_t { Shared, Atomic, Mutex, Condition, Semaphore, Channel, RwLock, Latch, Barrier, Future, Pool };

// How a mutex, a rwlock or a channel was declared: `recursive mutex`, `rwlock t prefer writers`,
// `channel c(unbounded)`.
enum class Flavour : std::uint8_t { Plain, Recursive, Timed, PreferWriters, Unbounded };

struct NamePos {
  std::string_view name;
  Pos pos;
};

struct GlobalDecl {
  GlobalKind kind = GlobalKind::Shared;
  NamePos name;
  Expr* size = nullptr;        // arrays: the element count
  Expr* init = nullptr;        // the initial value (every element of an array), or null
  std::vector<Expr*> init_list;  // `= [a, b, c]`: one value per element
  bool has_list = false;
  Expr* limit = nullptr;       // channel: the capacity; semaphore: `max N`; latch, barrier: the count; pool: its workers
  Flavour flavour = Flavour::Plain;
};

// What a `thread`-like declaration starts: a thread of the main process, a process of its own
// (own memory, own GIL), or an async task on the main process's event loop.
enum class TaskKind : std::uint8_t { Thread, Process, Async };

struct ThreadDecl {
  struct Entry {
    NamePos name;
    Expr* count = nullptr;  // `worker[4]`: an array of threads
  };
  Pos pos;
  TaskKind kind = TaskKind::Thread;
  std::vector<Entry> names;
  Block body;
  std::uint32_t frame_size = 0;  // checker: local slots the body needs
};

struct ProcDecl {
  NamePos name;
  std::vector<NamePos> params;
  Block body;
  std::uint32_t frame_size = 0;
  bool returns_value = false;  // checker: some `return` carries a value
  bool shares = false;         // checker: touches a global (so a process may not call it)
};

// `machine cores=2 quantum=5ms gil`: the machine timing runs use (interleave timeline).
struct MachineDecl {
  bool present = false;
  Pos pos;
  std::int64_t cores = 1;
  std::int64_t quantum = 10'000'000;  // nanoseconds
  bool gil = false;
};

struct Module {
  MachineDecl machine;
  std::vector<NamePos> expects;
  Pos expect_pos;
  bool has_expect = false;
  std::vector<GlobalDecl> globals;
  std::vector<ThreadDecl> threads;
  std::vector<ProcDecl> procs;
  std::vector<Expr*> invariants;
  Block finally;
  Pos finally_pos;
  bool has_finally = false;
  std::uint32_t finally_frame = 0;
  std::vector<std::string> strings;  // string literals, unescaped

  // Node storage; deques keep node addresses stable as they grow and when the module moves.
  std::deque<Expr> expr_store;
  std::deque<Stmt> stmt_store;
};

}  // namespace lang
