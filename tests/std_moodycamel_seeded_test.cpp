// A copy of ReaderWriterQueue with one seeded bug (tests/std/seeded/readerwriterqueue.h: the tail
// index published before the element is written): the race on the element is found in the
// first executions, and with plain accesses switching the consumer reads an element that is not
// there yet; both replay from their tokens.
#include <thread>

#include "interleave/doctest.hpp"
#include "tests/std/seeded/readerwriterqueue.h"

namespace {

// Its destructor marks the slot it leaves (the queue destroys each element it hands out), so an
// element read before it is written never looks like the right one: the queue reuses its memory
// from one execution to the next.
struct Item {
  int value = 0;
  Item() = default;
  explicit Item(int v) : value(v) {}
  Item(Item&& other) noexcept : value(other.value) {}
  Item& operator=(Item&& other) noexcept {
    value = other.value;
    return *this;
  }
  ~Item() { static_cast<volatile int&>(value) = -1; }  // volatile: a store to a dying object is otherwise dropped
};

void spsc_seeded() {
  moodycamel::ReaderWriterQueue<Item> q(4);
  std::thread producer([&] {
    for (int i = 1; i <= 2; ++i) q.enqueue(Item(i));
  });
  std::thread consumer([&] {
    for (int want = 1; want <= 2; ++want) {
      Item got;
      while (!q.try_dequeue(got)) std::this_thread::yield();
      sim::check(got.value == want, "the consumer read an element that was not written yet");
    }
  });
  producer.join();
  consumer.join();
}

}  // namespace

TEST_CASE("the seeded bug is a data race on the element, found and replayed") {
  sim::Failure f = sim::require_failure(spsc_seeded, sim::FailureKind::DataRace, {.iterations = 50});
  // The element's construction (placement new in the enqueue) and the dequeue's read of it.
  INFO(f.message);
  CHECK(f.message.find("(in Item)") != std::string::npos);
#if !defined(__clang__)
  CHECK(f.message.find("(in operator=)") != std::string::npos);
#else
  // clang's code meets the element's destructor first: the slot freed while being written.
  CHECK(f.message.find("(in ~Item)") != std::string::npos);
#endif
  CHECK(f.execution <= 5);
}

TEST_CASE("with plain accesses switching, the consumer reads the unwritten element: the assertion, replayed") {
  sim::CheckOptions o{.iterations = 2000, .checks = {.races = false}};
  o.limits.plain_accesses = sim::ExecutionLimits::PlainAccesses::Switch;
  sim::Failure f = sim::require_failure(spsc_seeded, sim::FailureKind::AssertionFailed, o);
  CHECK(f.message == "the consumer read an element that was not written yet");
}
