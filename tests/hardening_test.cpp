// User code misbehaving: endless recursion and loops that never yield are reported by task and
// place (and replay from their tokens); an exception thrown across a primitive leaves the runtime
// usable for the executions after it.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "interleave/doctest.hpp"
#include "lang/scenario.hpp"
#include "text_support.hpp"

namespace {

std::shared_ptr<const lang::Program> parsed(const std::string& text) {
  const lang::Loaded loaded = lang::load_text("h.scn", text);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.error ? loaded.error->render() : std::string()));
  return loaded.program;
}

// The first finding of a short exploration of `text`, checked to replay from its token.
sim::Failure first_finding(const std::string& text, lang::InterpreterOptions options = {}) {
  const std::function<void()> body = lang::make_body(parsed(text), options);
  const sim::ExecutionLimits limits{.stack_size = options.stack_size};
  const sim::Report r = sim::check_random(body, {.iterations = 5, .seed = 1, .limits = limits});
  REQUIRE(!r.failures.empty());
  const sim::Failure f = r.failures.front();
  const sim::Report again = sim::replay(body, f.token, limits);
  REQUIRE(!again.failures.empty());
  CHECK(again.failures.front().kind == f.kind);
  CHECK(again.failures.front().message == f.message);
  CHECK(again.failures.front().task_name == f.task_name);
  return f;
}

constexpr const char* recursion = "shared n = 0\ndef down(k):\n    return down(k + 1)\nthread diver:\n    n = down(0)\nthread other:\n    n = 1\n";

}  // namespace

TEST_CASE("a scenario thread recursing without bound is reported by name, at the call, under the depth limit") {
  // A stack roomy enough (under sanitizers too) that the depth limit, not the stack, ends it.
  const sim::Failure f = first_finding(recursion, {.stack_size = 2048 * 1024});
  CAPTURE(f.message);
  CHECK(f.task_name == "diver");
  CHECK(f.where.line == 3);
  CHECK(contains(f.message, "recursion too deep: more than 200 nested calls (calling 'down'"));
  CHECK(contains(f.message, "--max-call-depth"));
}

TEST_CASE("with the depth limit raised past what the stack holds, the stack check still names the thread") {
  const sim::Failure f = first_finding(recursion, {.stack_size = 256 * 1024, .max_call_depth = 1'000'000});
  CHECK(f.task_name == "diver");
  CHECK(contains(f.message, "nested calls fill the task's stack (calling 'down')"));
}

TEST_CASE("a scenario thread looping over locals without a visible step is stopped and reported with its line") {
  const sim::Failure f = first_finding("shared x = 0\nthread spin:\n    let i = 0\n    while true:\n        i = i + 0\nthread other:\n    x = 1\n",
                                       {.max_local_work = 100'000});
  CHECK(f.kind == sim::FailureKind::StepLimit);
  CHECK(f.task_name == "spin");
  CHECK((f.where.line == 4 || f.where.line == 5));
  CHECK(contains(f.message, "more than 100000 loop iterations"));
}

TEST_CASE("an exception thrown across primitives leaves the runtime usable for the next execution") {
  int finished = 0;
  // Half the executions throw: while a lock is held (unwinding releases it), out of a condition
  // variable's predicate while waiting, and out of a future holding an exception.
  auto body = [&finished] {
    sim::Mutex m{"m"};
    sim::CondVar c{"c"};
    sim::Shared<int> turns{0, "turns"};
    sim::Thread holder(
        [&] {
          sim::LockGuard guard(m);
          if (turns.load() == 0) throw std::runtime_error("thrown holding m");
          turns.store(turns.load() + 1);
        },
        "holder");
    sim::Thread waiter(
        [&] {
          sim::UniqueLock lock(m);
          c.wait(lock, [&] {
            if (turns.load() == 1) throw std::logic_error("thrown from a predicate");
            return true;
          });
        },
        "waiter");
    turns.store(1);
    c.notify_all();
    holder.join();
    waiter.join();
    ++finished;
  };
  const sim::Report r = sim::check_random(body, {.iterations = 400, .seed = 2, .on_failure = sim::OnFailure::Continue});
  CHECK(r.executions == 400);
  REQUIRE(r.find(sim::FailureKind::UncaughtException) != nullptr);
  // Executions after the throwing ones finished normally, in the same runner.
  CHECK(finished > 0);
  const sim::Failure& f = *r.find(sim::FailureKind::UncaughtException);
  const sim::Report again = sim::replay(body, f.token);
  REQUIRE(again.find(sim::FailureKind::UncaughtException) != nullptr);
  CHECK(again.find(sim::FailureKind::UncaughtException)->message == f.message);
  // And a fresh run of a clean body in the same process is unaffected.
  auto clean = [] {
    sim::Mutex m{"m"};
    sim::Shared<int> n{0, "n"};
    sim::Thread a([&] { sim::LockGuard g(m); n.store(n.load() + 1); }, "a");
    sim::Thread b([&] { sim::LockGuard g(m); n.store(n.load() + 1); }, "b");
    a.join();
    b.join();
    sim::check(n.load() == 2, "both increments land");
  };
  const sim::Report ok = sim::check_random(clean, {.iterations = 300, .seed = 5});
  CHECK(ok.ok());
  CHECK(ok.executions == 300);
}
