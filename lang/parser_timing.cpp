// Parser: the timing model's words — machine, process, async at the top level; compute and await.
//
// They are soft keywords (as Python's `match`): names everywhere else, keywords only where a
// name could not stand — at the top level, or before a duration or 'sleep' — so older scenarios
// that use them as names keep working.
#include "lang/parser.hpp"

namespace lang {

// top_level += machine_line | ('process' | 'async') thread_names ':' block
bool Parser::timing_declaration(const Token& t) {
  if (t.text == "machine") {
    machine_line();
    return true;
  }
  if (t.text == "process" || t.text == "async") {
    thread();
    return true;
  }
  return false;
}

// machine_line := 'machine' { 'cores' '=' INT | 'quantum' '=' DURATION | 'gil' } NEWLINE
void Parser::machine_line() {
  const Token& keyword = next();
  MachineDecl& m = out_.machine;
  if (m.present) fail(keyword, "a second 'machine' line (the first is at line " + std::to_string(m.pos.line) + ")");
  m.present = true;
  m.pos = keyword.pos;
  while (at(Tok::Name)) {
    const Token& word = next();
    if (word.text == "gil") {
      m.gil = true;
    } else if (word.text == "cores") {
      expect(Tok::Assign, "after 'cores' (like cores=4)");
      const Token& n = expect(Tok::Int, "after 'cores=' (the number of cores, 1 to 256)");
      if (n.value < 1 || n.value > 256) fail(n, "a machine has 1 to 256 cores");
      m.cores = n.value;
    } else if (word.text == "quantum") {
      expect(Tok::Assign, "after 'quantum' (like quantum=10ms)");
      if (at(Tok::Int)) fail(peek(), "a duration needs a unit: write " + std::string(peek().text) + "ms");
      const Token& d = expect(Tok::Duration, "after 'quantum=' (the time slice, like 10ms)");
      if (d.value <= 0) fail(d, "the quantum must be longer than 0");
      m.quantum = d.value;
    } else {
      fail(word, "unknown machine setting '" + std::string(word.text) + "'; a machine has cores=N, quantum=DURATION and gil");
    }
  }
  end_of_line("the machine line (its settings are cores=N, quantum=DURATION and gil)");
}

// timing_statement := 'compute' DURATION | 'await' 'sleep' DURATION
Stmt* Parser::timing_statement() {
  const Token& t = peek();
  const Tok after = peek(1).kind;
  if (t.text == "compute" && (after == Tok::Duration || after == Tok::Int)) {
    Stmt* s = new_stmt(StmtKind::Compute, next());
    if (at(Tok::Int)) fail(peek(), "a duration needs a unit: write " + std::string(peek().text) + "ms or " + std::string(peek().text) + "s");
    s->duration = expect(Tok::Duration, "after 'compute' (the CPU time, like 50ms)").value;
    return s;
  }
  if (t.text == "await") {
    Stmt* s = new_stmt(StmtKind::AwaitSleep, next());
    expect(Tok::Sleep, "after 'await' (an async task awaits a sleep: 'await sleep 1s')");
    if (at(Tok::Int)) fail(peek(), "a duration needs a unit: write " + std::string(peek().text) + "ms or " + std::string(peek().text) + "s");
    s->duration = expect(Tok::Duration, "after 'await sleep' (like 1s)").value;
    return s;
  }
  return nullptr;
}

}  // namespace lang
