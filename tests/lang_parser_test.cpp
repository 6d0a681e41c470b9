// Tests parsing and checking: the two files, exact diagnostics for malformed input, the
// malformed-file corpus (tests/malformed/, each file naming its diagnostic on its first line),
// and that no input makes the loader crash or hang.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lang/scenario.hpp"
#include "lang_support.hpp"
#include "sim/core/rng.hpp"

#ifndef INTERLEAVE_SOURCE_DIR
#define INTERLEAVE_SOURCE_DIR "."
#endif

namespace {

using lang_test::source_dir;

// The first line of the diagnostic `text` gives, or "ok".
std::string load_error(const std::string& text) {
  const lang::Loaded loaded = lang::load_text("t.scn", text);
  return loaded.ok() ? "ok" : loaded.error->headline();
}

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("the issue's two scenario files load") {
  for (const char* name : {"bank_race.scn", "deadlock_two_locks.scn"}) {
    const lang::Loaded loaded = lang::load_file(source_dir + "/scenarios/" + name);
    REQUIRE_MESSAGE(loaded.ok(), (loaded.error ? loaded.error->render() : ""));
  }
  const lang::Loaded bank = lang::load_file(source_dir + "/scenarios/bank_race.scn");
  CHECK(bank.program->expects == std::vector<std::string>{"race", "assertion"});
  CHECK(bank.program->threads.size() == 2);
  CHECK(bank.program->threads[1].name == "bob");
  CHECK(bank.program->cell_names == std::vector<std::string>{"balance"});
  CHECK(bank.program->module.has_finally);
}

TEST_CASE("declarations fill the program's tables") {
  const lang::Loaded loaded = lang::load_text("t.scn",
                                              "expect potential-deadlock, step-limit\n"
                                              "shared slots[3] = [1, 2, 3], flag = true\n"
                                              "atomic n = 0\nmutex m, fork[4]\ncondition c\nsemaphore s = 2\n"
                                              "thread worker[2], solo:\n    pass\n");
  REQUIRE(loaded.ok());
  const lang::Program& p = *loaded.program;
  CHECK(p.expects == std::vector<std::string>{"potential-deadlock", "step-limit"});
  CHECK(p.cell_names == std::vector<std::string>{"slots[0]", "slots[1]", "slots[2]", "flag", "n"});
  CHECK(p.cell_initial == std::vector<std::int64_t>{1, 2, 3, 1, 0});
  CHECK(p.mutexes == 5);
  CHECK(p.conditions == 1);
  CHECK(p.semaphores == 1);
  REQUIRE(p.threads.size() == 3);
  CHECK(p.threads[0].name == "worker[0]");
  CHECK(p.threads[2].name == "solo");
  CHECK(p.threads[2].id == 2);
}

TEST_CASE("syntax errors: what was expected, what was found, and which construct is open") {
  CHECK(load_error("thread a:\n    else:\n        pass\n") == "t.scn:2:5: error: 'else' without 'if'");
  CHECK(load_error("thread a:\n    let x = (1 + 2\n    yield\n") == "t.scn:3:5: error: expected ')' (to close '(' at line 2), found 'yield'");
  CHECK(load_error("thread a:\n    let x = f(1, 2\n") == "t.scn:2:19: error: expected ')' (to close '(' at line 2), found end of file");
  CHECK(load_error("thread a:\n    if x = 1:\n        pass\n") == "t.scn:2:10: error: expected ':' to start the body of 'if', found '=' (to compare, write '==')");
  CHECK(load_error("thread a:\n    while true\n        pass\n") == "t.scn:2:15: error: expected ':' to start the body of 'while', found end of line");
  CHECK(load_error("thread a:\n    if true:\n    pass\n") == "t.scn:3:5: error: expected an indented block after 'if' at line 2, found 'pass'");
  CHECK(load_error("thread a:\n    x == 1\n") == "t.scn:2:7: error: '==' compares, and the result would be thrown away; to assign, write 'x = ...'");
  CHECK(load_error("thread a:\n    x\n") == "t.scn:2:5: error: 'x' alone does nothing; a statement that starts with a name assigns to it or calls it");
  CHECK(load_error("thread a:\n    let = 3\n") == "t.scn:2:9: error: expected a name after 'let', found '='");
  CHECK(load_error("thread a:\n    let x 3\n") == "t.scn:2:11: error: expected '=' after 'let x' (a local starts with a value: 'let x = 0'), found '3'");
  CHECK(load_error("thread a:\n    yield 3\n") == "t.scn:2:11: error: expected end of line after the statement, found '3'");
  CHECK(load_error("thread a:\n    assert x = 1\n") == "t.scn:2:14: error: expected end of line after the statement, found '=' (to compare, write '==')");
  CHECK(load_error("thread a:\n    for i in 0 to 3:\n        pass\n") == "t.scn:2:16: error: expected '..' between the first and the end of the range (for i in 0..N counts 0 to N-1), found 'to'");
  CHECK(load_error("thread a:\n    if a:\n        pass\n    else if b:\n        pass\n") == "t.scn:4:10: error: write 'elif' instead of 'else if'");
  CHECK(load_error("thread a:\n    if a: while b:\n") == "t.scn:2:11: error: a 'while' block cannot follow ':' on the same line; start it on a new, indented line");
  CHECK(load_error("thread a:\n    shared x = 1\n") == "t.scn:2:5: error: 'shared' belongs at the top level, not inside a block");
  CHECK(load_error("thread a:\n    atomic x = 1\n") == "t.scn:2:5: error: atomic variables are declared at the top level; inside a block, 'atomic:' starts a block that runs as one step");
  CHECK(load_error("shared x = 1\n  shared y = 2\n") == "t.scn:2:3: error: unexpected indentation");
  CHECK(load_error("thread a:\n    let x = 1 < 2 < 3\n") == "t.scn:2:19: error: comparisons cannot be chained: write 'a < b and b < c'");
  CHECK(load_error("thread a:\n    sleep 5\n") == "t.scn:2:11: error: a duration needs a unit: write 5ms or 5s");
  CHECK(load_error("thread a:\n    let x = 200ms\n") == "t.scn:2:13: error: a duration like 200ms can only follow 'sleep'");
  CHECK(load_error("mutex m = 1\n") == "t.scn:1:9: error: a mutex has no value to set; write 'mutex m'");
  CHECK(load_error("semaphore s\n") == "t.scn:1:12: error: expected '=' and the initial count after semaphore 's', found end of line");
  CHECK(load_error("def f(a, :\n    pass\n") == "t.scn:1:10: error: expected a name for a parameter of 'f', found ':'");
  CHECK(load_error("thread if:\n    pass\n") == "t.scn:1:8: error: expected a name for the thread, found 'if', which is a reserved word");
  CHECK(load_error("expect ok\nexpect race\n") == "t.scn:2:1: error: a second 'expect' line (the first is at line 1)");
  CHECK(load_error("finally:\n    pass\nfinally:\n    pass\n") == "t.scn:3:1: error: a second 'finally:' block (the first is at line 1)");
  CHECK(load_error("thread a:\n    let x = " + std::string(250, '(') + "1" + std::string(250, ')') + "\n") ==
        "t.scn:2:212: error: expression nested too deeply (more than 200 levels of blocks, parentheses and operators; the limit is "
        "twice --max-nesting)");
}

TEST_CASE("semantic errors: names resolved with did-you-mean, kinds of object, types, arity") {
  CHECK(load_error("shared balance = 100\nthread a:\n    if balanse >= 80:\n        pass\n") ==
        "t.scn:3:8: error: unknown variable 'balanse' (did you mean 'balance'?)");
  CHECK(load_error("thread a:\n    let x = True\n") == "t.scn:2:13: error: unknown variable 'True' (did you mean 'true'?)");
  CHECK(load_error("def withdraw(n):\n    return n\nthread a:\n    withdrw(1)\n") == "t.scn:4:5: error: unknown procedure 'withdrw' (did you mean 'withdraw'?)");
  CHECK(load_error("thread alice:\n    if self == \"alcie\":\n        pass\n") == "t.scn:2:16: error: no thread is named \"alcie\" (did you mean 'alice'?)");
  CHECK(load_error("expect deadlok\n").rfind("t.scn:1:8: error: unknown outcome 'deadlok' (did you mean 'deadlock'?); outcomes are ok, assertion, deadlock, race,", 0) == 0);
  CHECK(load_error("expect ok, race\n") == "t.scn:1:8: error: 'ok' means no finding at all, so it cannot be combined with other outcomes");
  CHECK(load_error("expect race, race\n") == "t.scn:1:14: error: 'race' is listed twice");
  CHECK(load_error("mutex m\nthread a:\n    let x = m\n") == "t.scn:3:13: error: 'm' is a mutex, not a value");
  CHECK(load_error("shared x = 0\nthread a:\n    lock x:\n        pass\n") == "t.scn:3:10: error: 'lock' needs a mutex, but 'x' is a shared variable (declared at line 1)");
  CHECK(load_error("mutex m\ncondition c\nthread a:\n    wait m, c\n") == "t.scn:4:10: error: 'wait' needs a condition or a latch, but 'm' is a mutex (declared at line 1)");
  CHECK(load_error("condition c\nthread a:\n    notify d\n") == "t.scn:3:12: error: 'notify' needs a condition, and there is no 'd'");
  CHECK(load_error("condition ready\nthread a:\n    notify raedy\n") == "t.scn:3:12: error: 'notify' needs a condition, and there is no 'raedy' (did you mean 'ready'?)");
  CHECK(load_error("mutex fork[3]\nthread a:\n    lock fork:\n        pass\n") == "t.scn:3:10: error: 'fork' is an array: lock one element, like fork[0]");
  CHECK(load_error("mutex m\nthread a:\n    lock m[0]:\n        pass\n") == "t.scn:3:10: error: 'm' is not an array");
  CHECK(load_error("shared a[2] = 0\nthread t:\n    a = 1\n") == "t.scn:3:5: error: 'a' is an array: use one element, like a[0]");
  CHECK(load_error("shared a = 0\nthread t:\n    a[0] = 1\n") == "t.scn:3:5: error: 'a' is a shared variable but not an array");
  CHECK(load_error("shared a[2] = [1, 2, 3]\n") == "t.scn:1:16: error: 'a' has 2 elements but the list gives 3");
  CHECK(load_error("shared x = 1\nthread a:\n    x = true\n") == "t.scn:3:9: error: cannot assign a bool to 'x', which holds a number");
  CHECK(load_error("shared f = false\nthread a:\n    let y = f + 1\n") == "t.scn:3:13: error: '+' needs a number, but 'f' is a bool");
  CHECK(load_error("thread a:\n    let y = 1 == true\n") == "t.scn:2:13: error: '==' compares a number with a bool");
  CHECK(load_error("def f(a, b):\n    return a\nthread t:\n    let y = f(1)\n") == "t.scn:4:13: error: 'f' takes 2 arguments, but 1 was given");
  CHECK(load_error("def f():\n    pass\nthread t:\n    let y = f()\n") == "t.scn:4:13: error: 'f' gives no value: it has no 'return' with a value");
  CHECK(load_error("def f(x):\n    if x:\n        return 1\n    return\n") == "t.scn:4:5: error: 'f' returns a value elsewhere, so this 'return' needs one too");
  CHECK(load_error("def f(a, a):\n    pass\n") == "t.scn:1:10: error: parameter 'a' appears twice");
  CHECK(load_error("thread t:\n    return 1\n") == "t.scn:2:12: error: only a procedure returns a value; a thread or 'finally:' ends with a plain 'return'");
  CHECK(load_error("thread t:\n    continue\n") == "t.scn:2:5: error: 'continue' outside a loop");
  CHECK(load_error("thread t:\n    let x = 1\n    let x = 2\n") == "t.scn:3:9: error: 'x' is already declared at line 2");
  CHECK(load_error("shared x = 0\nthread t:\n    let x = 1\n") == "t.scn:3:9: error: 'x' is already a shared variable (declared at line 1); give the local another name");
  CHECK(load_error("thread t:\n    for i in 0..3:\n        i = 1\n") == "t.scn:3:9: error: 'i' is the loop's counter; assign to another local");
  CHECK(load_error("shared c = 0\nthread t:\n    c.fetch_add(1)\n") == "t.scn:3:5: error: 'c' is a shared variable; only atomic variables have methods like .fetch_add() (declare it 'atomic')");
  CHECK(load_error("atomic c = 0\nthread t:\n    c.fetch_ad(1)\n") ==
        "t.scn:3:7: error: atomic variables have no method 'fetch_ad' (did you mean 'fetch_add'?); they have load, store, fetch_add, fetch_sub, exchange and cas");
  CHECK(load_error("atomic c = 0\nthread t:\n    let x = c.cas(1)\n") == "t.scn:3:15: error: 'cas' takes 2 arguments, but 1 was given");
  CHECK(load_error("atomic c = 0\nthread t:\n    let x = c.store(1)\n") == "t.scn:3:15: error: 'store' gives no value");
  CHECK(load_error("mutex m\nthread t:\n    atomic:\n        lock m:\n            pass\n").rfind("t.scn:4:9: error: 'lock' cannot be used inside an 'atomic:' block", 0) == 0);
  CHECK(load_error("shared x = 0\ndef f():\n    return 1\ninvariant x < f()\n").rfind("t.scn:4:15: error: an invariant cannot call a procedure", 0) == 0);
  CHECK(load_error("shared x = 1\nshared y = x + 1\n") == "t.scn:2:12: error: 'x' is not a constant (declarations take numbers, true or false, or arithmetic on numbers)");
  CHECK(load_error("shared x = 1 / 0\n") == "t.scn:1:12: error: division by zero in '1 / 0'");
  CHECK(load_error("shared a[0] = 0\n") == "t.scn:1:10: error: an array's size must be a number from 1 to 65536");
  CHECK(load_error("thread main:\n    pass\n") == "t.scn:1:8: error: 'main' is the task that starts the threads and runs 'finally:'; name the thread otherwise");
  CHECK(load_error("thread a:\n    pass\nshared a = 1\n") == "t.scn:3:8: error: 'a' is already declared at line 1 (as a thread)");
  CHECK(load_error("thread t:\n    let x = \"a\" + 1\n") == "t.scn:2:13: error: a string can only be printed, or compared with 'self'");
  CHECK(load_error("thread t:\n    let i = id\nfinally:\n    print id\n") == "t.scn:4:11: error: 'id' is a thread's number; 'finally:' runs in main, which has none");
}

TEST_CASE("a diagnostic renders the source line with a caret under the offending text") {
  const lang::Loaded loaded = lang::load_text("bank.scn", "shared balance = 100\nthread a:\n    if balanse >= 80:\n        pass\n");
  REQUIRE(loaded.error);
  CHECK(loaded.error->render() ==
        "bank.scn:3:8: error: unknown variable 'balanse' (did you mean 'balance'?)\n"
        " 3 |     if balanse >= 80:\n"
        "   |        ^~~~~~~\n");
  CHECK(loaded.error->render(true).find("\x1b[") != std::string::npos);
  const lang::Loaded missing = lang::load_file("/no/such/file.scn");
  REQUIRE(missing.error);
  CHECK(missing.error->headline() == "/no/such/file.scn: error: no such file");
}

TEST_CASE("the malformed corpus: each file gives the diagnostic its first line names") {
  const std::filesystem::path dir = std::filesystem::path(source_dir) / "tests" / "malformed";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  CHECK(files.size() >= 40);
  for (const std::filesystem::path& file : files) {
    const std::string text = read(file);
    const std::string prefix = "# error: ";
    REQUIRE_MESSAGE(text.rfind(prefix, 0) == 0, file.string() << " does not start with '# error: L:C: message'");
    const std::string expected = text.substr(prefix.size(), text.find('\n') - prefix.size());
    const lang::Loaded loaded = lang::load_file(file.string());
    REQUIRE_MESSAGE(!loaded.ok(), file.string() << " loaded without an error");
    const std::string got = loaded.error->headline();
    // "path:L:C: error: message" against "L:C: message"; the message may go on (lists that grow).
    const std::string place = expected.substr(0, expected.find(": ") + 1);
    const std::string message = expected.substr(place.size() + 1);
    CHECK_MESSAGE(got.rfind(file.string() + ":" + place + " error: " + message, 0) == 0, got << "\n  expected " << expected);
  }
}

TEST_CASE("no input crashes or hangs the loader") {
  // Every scenario and malformed file cut at every byte, and with bytes changed at random.
  std::vector<std::string> texts;
  for (const char* dir : {"/scenarios", "/tests/malformed"}) {
    for (const auto& entry : std::filesystem::directory_iterator(source_dir + dir)) texts.push_back(read(entry.path()));
  }
  sim::Rng rng(42);
  std::size_t loaded = 0;
  for (const std::string& text : texts) {
    for (std::size_t cut = 0; cut <= text.size(); cut += 3) loaded += lang::load_text("cut.scn", text.substr(0, cut)).ok() ? 1 : 0;
    for (int round = 0; round < 200; ++round) {
      std::string mutated = text;
      const int edits = 1 + static_cast<int>(rng.below(4));
      for (int e = 0; e < edits && !mutated.empty(); ++e) {
        const std::size_t at = rng.below(static_cast<std::uint32_t>(mutated.size()));
        switch (rng.below(3)) {
          case 0: mutated[at] = static_cast<char>(rng.below(256)); break;
          case 1: mutated.erase(at, 1 + rng.below(8)); break;
          default: mutated.insert(at, mutated.substr(rng.below(static_cast<std::uint32_t>(mutated.size())), 1 + rng.below(12)));
        }
      }
      const lang::Loaded result = lang::load_text("fuzz.scn", mutated);
      if (!result.ok()) CHECK(!result.error->message.empty());
    }
  }
  CHECK(loaded > 0);
  // Pathological shapes.
  CHECK(load_error("thread t:\n    let x = " + std::string(100000, '(')).find("nested too deeply") != std::string::npos);
  CHECK(load_error("thread t:\n    let x = " + std::string(100000, '-') + "1\n").find("nested too deeply") != std::string::npos);
  CHECK(load_error("thread t:\n    let x = 1" + std::string(20000, '+') + "\n") != "ok");
  std::string long_sum = "thread t:\n    let x = 1";
  for (int i = 0; i < 5000; ++i) long_sum += " + 1";
  CHECK(load_error(long_sum + "\n").find("too deeply nested") != std::string::npos);
  std::string deep = "thread t:\n";
  for (int i = 0; i < 150; ++i) deep += std::string(static_cast<std::size_t>(i + 1) * 2, ' ') + "if true:\n";
  CHECK(load_error(deep).find("nested too deeply") != std::string::npos);
  std::string elifs = "thread t:\n    if false:\n        pass\n";
  for (int i = 0; i < 20000; ++i) elifs += "    elif false:\n        pass\n";
  CHECK(load_error(elifs) == "ok");
  CHECK(load_error(std::string(1 << 20, 'x')) != "ok");
}
