// Tests that a task's fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL, a stack overflow)
// is a finding with the task's name, a story and a token that replays it, and the process goes on.
#undef NDEBUG  // assert() must abort here
#include <doctest/doctest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>

#include "child_process.hpp"
#include "interleave/interleave.hpp"
#include "text_support.hpp"

namespace {

// Finds `kind` in `body`, checks its story and that its token replays the same finding.
sim::Failure found_and_replayed(const std::function<void()>& body, sim::FailureKind kind, sim::CheckOptions options = {}) {
  const sim::Report r = sim::check_random(body, options);
  const sim::Failure* f = r.find(kind);
  REQUIRE_MESSAGE(f != nullptr, sim::to_text(r));
  CHECK_FALSE(f->nondeterministic);
  CHECK_FALSE(f->history.steps.empty());
  const sim::Report again = sim::replay(body, f->token, options.limits);
  const sim::Failure* g = again.find(kind);
  REQUIRE_MESSAGE(g != nullptr, sim::to_text(again));
  CHECK(g->same_place(*f));
  CHECK(g->message == f->message);
  CHECK(g->task_name == f->task_name);
  return *f;
}

// The faults below are meant to reach the processor: UBSan's checks (CI's sanitizer build)
// would report them and halt first, so these two functions go without them.
[[gnu::noinline, gnu::no_sanitize("undefined")]] int read_through(const int* p) { return *p; }

// A reader that dereferences a pointer another thread publishes: null in some interleavings.
void null_in_some_interleavings() {
  static int target = 7;
  sim::Shared<int*> ptr{nullptr, "ptr"};
  sim::Shared<int> seen{0, "seen"};
  sim::Thread writer([&] { ptr.store(&target); }, "writer");
  sim::Thread reader([&] { seen.store(read_through(ptr.load())); }, "reader");
  writer.join();
  reader.join();
}

// Out of line and with an unknown numerator: 1 / b compiles to no division at all.
[[gnu::noinline, gnu::no_sanitize("undefined")]] int divide(int a, int b) { return a / b; }

// Called from a noexcept function: the exception cannot leave it, so std::terminate runs.
[[gnu::noinline]] void throw_escaped() { throw std::runtime_error("escaped"); }

}  // namespace

TEST_CASE("a null dereference in some interleavings is a Crash finding; the others run on, in the same process") {
  sim::CheckOptions options{.iterations = 200, .seed = 1, .on_failure = sim::OnFailure::Continue};
  const sim::Report r = sim::check_random(null_in_some_interleavings, options);
  CHECK(r.executions == 200);  // crashed executions and clean ones, one Runner, fibers reused
  const sim::Failure* f = r.find(sim::FailureKind::Crash);
  REQUIRE(f != nullptr);
  CHECK(f->task_name == "reader");
  CHECK(f->message == "reader crashed with SIGSEGV: an access through a null pointer");
  const sim::Failure g = found_and_replayed(null_in_some_interleavings, sim::FailureKind::Crash);
  CHECK(contains(sim::to_text(sim::replay(null_in_some_interleavings, g.token)), "reader crashed with SIGSEGV"));
}

TEST_CASE("an integer division by zero is a Crash finding (SIGFPE)") {
  const sim::Failure f = found_and_replayed(
      [] {
        sim::Shared<int> d{0, "d"};
        sim::Thread t([&] { d.store(divide(static_cast<int>(::getpid()), d.load())); }, "divider");
        t.join();
      },
      sim::FailureKind::Crash);
  CHECK(f.message == "divider crashed with SIGFPE: an integer division by zero");
}

TEST_CASE("a mapped file read past its end is a Crash finding (SIGBUS)") {
  static void* page = nullptr;
  const int fd = ::memfd_create("empty", 0);  // zero bytes long: touching its page is a bus error
  REQUIRE(fd >= 0);
  page = ::mmap(nullptr, 4096, PROT_READ, MAP_SHARED, fd, 0);
  REQUIRE(page != MAP_FAILED);
  const sim::Failure f = found_and_replayed(
      [] {
        sim::Shared<int> x{0, "x"};
        sim::Thread t([&] { x.store(*static_cast<volatile int*>(page)); }, "mapper");
        t.join();
      },
      sim::FailureKind::Crash);
  CHECK(contains(f.message, "mapper crashed with SIGBUS"));
  ::munmap(page, 4096);
  ::close(fd);
}

TEST_CASE("abort() is a Crash finding (SIGABRT)") {
  const sim::Failure f = found_and_replayed(
      [] {
        sim::Shared<int> x{0, "x"};
        sim::Thread t([&] {
          x.store(1);
          std::abort();
        }, "aborter");
        t.join();
      },
      sim::FailureKind::Crash);
  CHECK(contains(f.message, "aborter crashed with SIGABRT"));
}

TEST_CASE("__builtin_trap() is a Crash finding (SIGILL)") {
  const sim::Failure f = found_and_replayed(
      [] {
        sim::Shared<int> x{0, "x"};
        sim::Thread t([&] {
          if (x.load() == 0) __builtin_trap();
        }, "trapper");
        t.join();
      },
      sim::FailureKind::Crash);
  CHECK(contains(f.message, "trapper crashed with SIGILL"));
}

// std::terminate's exception is never freed (the frames that would are dropped): run in a child,
// where the leak checker does not look.
TEST_CASE("a failed assert and std::terminate are Crash findings that say what failed, and the process goes on") {
  const ChildResult r = in_child([] {
    const auto asserts = [] {
      sim::Shared<int> x{0, "x"};
      sim::Thread t([&] { assert(x.load() == 1); }, "asserter");
      t.join();
    };
    const auto terminates = [] {
      sim::Thread t([]() noexcept { throw_escaped(); }, "terminator");
      t.join();
    };
    for (const auto& [body, name] : {std::pair<std::function<void()>, const char*>{asserts, "asserter"}, {terminates, "terminator"}}) {
      const sim::Report r = sim::check_random(body, {.iterations = 5});
      const sim::Failure* f = r.find(sim::FailureKind::Crash);
      const sim::Report again = f != nullptr ? sim::replay(body, f->token) : sim::Report{};
      const sim::Failure* g = again.find(sim::FailureKind::Crash);
      std::fprintf(stderr, "\nRESULT %s %s replayed=%d\n", name, f != nullptr ? f->message.c_str() : "none",
                   g != nullptr && g->same_place(*f) ? 1 : 0);
    }
    std::fprintf(stderr, "RESULT still alive\n");
  });
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "RESULT asserter asserter crashed with SIGABRT: assert(x.load() == 1) failed at tests/sim_crash_test.cpp:"));
  CHECK(contains(r.err, "RESULT terminator terminator crashed with SIGABRT: std::terminate was called (an exception left a "
                        "noexcept function, or a destructor threw while unwinding) with std::runtime_error: escaped in flight replayed=1"));
  CHECK(contains(r.err, "replayed=1\n\nRESULT terminator"));
  CHECK(contains(r.err, "RESULT still alive"));
  CHECK_FALSE(contains(r.err, "terminate called"));  // the C++ library's own report is not printed for a task
}

namespace {

int deep(int n) {
  volatile char pad[512];
  pad[0] = static_cast<char>(n);
  return n == 0 ? 0 : deep(n - 1) + pad[0];
}

template <std::size_t N>
[[gnu::noinline]] int big_frame(int n) {
  volatile char pad[N];
  for (int i = 0; i < 64; ++i) pad[i] = static_cast<char>(0x5A);  // only the lowest bytes: no probe of the pages between
  return pad[0] + n;
}

}  // namespace

TEST_CASE("endless recursion is a StackOverflow finding that names the task and the stack size") {
  const sim::Failure f = found_and_replayed(
      [] {
        sim::Shared<int> x{0, "x"};
        sim::Thread t([&] { x.store(deep(1 << 30)); }, "recurser");
        t.join();
      },
      sim::FailureKind::StackOverflow, {.iterations = 5, .limits = {.stack_size = 64 * 1024}});
  CHECK(f.message == "recurser overflowed its stack (64 KiB): endless recursion, or a frame too large for the stack");
  CHECK(contains(f.details.front(), "ExecutionLimits::stack_size"));
}

TEST_CASE("a frame larger than the stack, touched only at its far end, is a StackOverflow finding") {
  // 300 KiB below a 256 KiB stack: past the one guard page there was, into unmapped memory or a
  // neighbour's stack; now inside the guard region, which is as large as the stack.
  const sim::Failure f = found_and_replayed(
      [] {
        sim::Shared<int> x{0, "x"};
        sim::Thread t([&] {
          sim::yield();
          x.store(big_frame<300 * 1024>(1));
        }, "bigframe");
        t.join();
      },
      sim::FailureKind::StackOverflow, {.iterations = 5});
  CHECK(contains(f.message, "bigframe overflowed its stack (256 KiB)"));
}

TEST_CASE("with Crashes::Die a task's fault takes its default course") {
  const ChildResult r = in_child([] {
    sim::check_random(null_in_some_interleavings,
                      {.iterations = 200, .limits = {.crashes = sim::ExecutionLimits::Crashes::Die}});
  });
  // Killed by the signal, or (under AddressSanitizer, which reports the fault itself) a failure exit.
  CHECK((r.signalled || (r.exit_code != 0 && r.exit_code != 3)));
}

TEST_CASE("a fault outside any task keeps its default action") {
  const ChildResult r = in_child([] {
    sim::check_random([] { sim::yield(); }, {.iterations = 1});
    volatile int* null = nullptr;
    *null = 1;
  });
  CHECK((r.signalled || (r.exit_code != 0 && r.exit_code != 3)));
  CHECK_FALSE(contains(r.err, "crashed with"));
}

TEST_CASE("a simulation started inside another is the outer execution's ApiMisuse finding") {
  const sim::Report r = sim::check_random(
      [] {
        sim::Thread t([] { sim::check_random([] {}, {.iterations = 1}); }, "nester");
        t.join();
      },
      {.iterations = 3});
  const sim::Failure* f = r.find(sim::FailureKind::ApiMisuse);
  REQUIRE(f != nullptr);
  CHECK(f->task_name == "nester");
  CHECK(contains(f->message, "started a simulation inside this one"));
}
