// ThreadPool: workers receiving jobs from the queue, submission, and shutdown by draining or cancelling.
#include "sim/sync/thread_pool.hpp"

#include "sim/sync/select.hpp"

namespace sim {

ThreadPool::ThreadPool(std::size_t workers, std::string_view name, Location created)
    : name_(name), created_(created), queue_(name_ + ".queue", unbounded, created) {
  workers_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) {
    workers_.emplace_back([this] { work(); }, name_ + ".worker" + std::to_string(i), created);
  }
}

ThreadPool::~ThreadPool() {
  if (!shut_.load()) shutdown(Shutdown::Drain);
}

std::string ThreadPool::next_job_name() { return name_ + ".job" + std::to_string(jobs_.fetch_add(1) + 1); }

void ThreadPool::work() {
  while (std::optional<std::unique_ptr<Work>> job = queue_.recv(created_)) (*job)->run();
}

void ThreadPool::enqueue(std::unique_ptr<Work> work, Location where) {
  if (shut_.load()) {
    Execution* e = Execution::current();
    if (e == nullptr) throw std::runtime_error("submit to thread pool " + name_ + " after its shutdown");
    e->fail(FailureKind::FutureMisuse,
            e->task_name(e->current_task()) + " submits a job to thread pool " + name_ + " after its shutdown", where);
    return;
  }
  queue_.send(std::move(work), where);
}

void ThreadPool::shutdown(Shutdown how, Location where) {
  if (shut_.exchange(true)) return;
  if (how == Shutdown::Cancel) {
    // Take the jobs no worker has started off the queue; their futures learn they were cancelled.
    for (bool more = true; more;) {
      more = false;
      select(on_recv(queue_,
                     [&](std::optional<std::unique_ptr<Work>> job) {
                       if (job) (*job)->cancel();
                       more = job.has_value();
                     },
                     where),
             otherwise());
    }
  }
  queue_.close(where);
  for (Thread& t : workers_) t.join(where);
}

}  // namespace sim
