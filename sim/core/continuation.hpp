// Continuation: how a run of executions goes on from one to the next without going home.
#pragma once

namespace sim {

// Asked between executions, on the fiber that ended a clean one, whether to start the next
// there and then: a run of many executions then never goes back to the thread's own stack,
// which saves two fiber switches per execution (a third of them in a small body).
class Continuation {
 public:
  virtual bool again() = 0;

 protected:
  ~Continuation() = default;
};

}  // namespace sim
