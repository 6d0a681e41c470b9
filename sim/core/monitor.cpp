// Monitor: the registry of watched threads, the monitor thread's loop, and its signal's handler.
#include "sim/core/monitor.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

namespace sim::detail {

namespace {

const int watch_signal = SIGRTMIN + 4;
constexpr std::int64_t poll_ns = 250'000'000;
constexpr std::int64_t second_ns = 1'000'000'000;

// Never destroyed: the monitor thread may still read it while the process exits.
struct Registry {
  std::mutex mutex;
  std::vector<ThreadWatch*> watched;
  bool monitor_running = false;
};
Registry* g_registry = new Registry;
std::atomic<std::uint64_t> g_generation{1};

constinit thread_local ThreadWatch* t_watch = nullptr;

void on_watch_signal(int) {
  ThreadWatch* w = t_watch;
  if (w == nullptr) return;
  const int saved = errno;
  switch (w->reason.load(std::memory_order_relaxed)) {
    case WatchReason::None: break;
    case WatchReason::TimeLimit:
    case WatchReason::Blocked: report_stuck(*w); break;
    case WatchReason::Rescue: report_unrescued(); break;
  }
  errno = saved;
}

// Reads a small /proc file into `buffer` with plain system calls (no allocation); its length, or 0.
std::size_t read_small(const char* path, char* buffer, std::size_t size) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  const ssize_t n = ::read(fd, buffer, size - 1);
  ::close(fd);
  if (n <= 0) return 0;
  buffer[n] = '\0';
  return static_cast<std::size_t>(n);
}

void format_path(char* out, std::size_t size, pid_t tid, const char* leaf) {
  std::snprintf(out, size, "/proc/self/task/%d/%s", static_cast<int>(tid), leaf);
}

// The system call the thread sleeps in, or -1 if it is running (or cannot be read).
long blocked_in(pid_t tid) {
  char path[64];
  char text[512];
  format_path(path, sizeof path, tid, "stat");
  if (read_small(path, text, sizeof text) == 0) return -1;
  const char* close = std::strrchr(text, ')');  // the name in parentheses may hold anything
  if (close == nullptr || close[1] == '\0' || (close[2] != 'S' && close[2] != 'D')) return -1;
  format_path(path, sizeof path, tid, "syscall");
  if (read_small(path, text, sizeof text) == 0 || text[0] < '0' || text[0] > '9') return -1;
  return std::strtol(text, nullptr, 10);
}

void signal_thread(ThreadWatch& w, WatchReason why, std::int64_t now, std::int64_t again) {
  w.reason.store(why, std::memory_order_relaxed);
  w.next_signal = now + again;
  ::pthread_kill(w.thread, watch_signal);
}

void look_at(ThreadWatch& w, std::int64_t now) {
  if (!w.rescuing.load(std::memory_order_relaxed)) {
    w.rescue_since = 0;
  } else if (w.rescue_since == 0) {
    w.rescue_since = now;
  } else if (now - w.rescue_since >= static_cast<std::int64_t>(rescue_seconds * second_ns)) {
    if (now >= w.next_signal) signal_thread(w, WatchReason::Rescue, now, second_ns);
    return;
  }
  if (!w.in_execution.load(std::memory_order_relaxed)) {
    w.blocked_since = 0;
    return;
  }
  const long call = blocked_in(w.tid);
  if (call < 0 || call != w.blocked_in) {
    w.blocked_in = call;
    w.blocked_since = call < 0 ? 0 : now;
  }
  const bool blocked = call >= 0 && now - w.blocked_since >= static_cast<std::int64_t>(blocked_report_seconds * second_ns);
  const std::int64_t limit = w.limit_at.load(std::memory_order_relaxed);
  const bool out_of_time = limit != 0 && now >= limit;
  if ((!blocked && !out_of_time) || now < w.next_signal) return;
  w.syscall.store(call, std::memory_order_relaxed);
  // A blocked thread is looked at once a second; a running one after each grace period.
  signal_thread(w, blocked || call >= 0 ? WatchReason::Blocked : WatchReason::TimeLimit, now,
                blocked ? second_ns : w.grace_ns.load(std::memory_order_relaxed));
}

void monitor_loop() {
  for (;;) {
    const timespec pause{0, poll_ns};
    ::nanosleep(&pause, nullptr);
    Registry& r = *g_registry;
    std::lock_guard lock(r.mutex);
    const std::int64_t now = monotonic_ns();
    for (ThreadWatch* w : r.watched) look_at(*w, now);
  }
}

// The child of a fork has none of the parent's other threads: no monitor, nobody registered.
void after_fork_in_child() {
  g_registry = new Registry;  // the old one's mutex may have been held by a thread that is gone
  g_generation.fetch_add(1, std::memory_order_relaxed);
}

void start_monitor(Registry& r) {
  static std::once_flag once;
  std::call_once(once, [] {
    ::pthread_atfork(nullptr, nullptr, &after_fork_in_child);
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_handler = &on_watch_signal;
    action.sa_flags = SA_RESTART | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    ::sigaction(watch_signal, &action, nullptr);
  });
  // The monitor blocks every signal: a process-directed one must go to a thread that expects it.
  sigset_t all, previous;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);
  pthread_t thread;
  if (::pthread_create(&thread, nullptr, [](void*) -> void* { monitor_loop(); return nullptr; }, nullptr) == 0) {
    ::pthread_detach(thread);
    r.monitor_running = true;
  }
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

// Drops the thread's record when the thread ends.
struct Owned {
  std::unique_ptr<ThreadWatch> watch;
  ~Owned() {
    if (!watch) return;
    Registry& r = *g_registry;
    std::lock_guard lock(r.mutex);
    r.watched.erase(std::remove(r.watched.begin(), r.watched.end(), watch.get()), r.watched.end());
    t_watch = nullptr;
  }
};

[[gnu::noinline]] ThreadWatch& register_thread() {
  thread_local Owned owned;
  if (!owned.watch) owned.watch = std::make_unique<ThreadWatch>();
  ThreadWatch& w = *owned.watch;
  w.tid = static_cast<pid_t>(::syscall(SYS_gettid));
  w.thread = ::pthread_self();
  w.generation = g_generation.load(std::memory_order_relaxed);
  Registry& r = *g_registry;
  std::lock_guard lock(r.mutex);
  r.watched.push_back(&w);
  if (!r.monitor_running) start_monitor(r);
  t_watch = &w;
  return w;
}

}  // namespace

std::int64_t monotonic_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::int64_t>(now.tv_sec) * second_ns + now.tv_nsec;
}

ThreadWatch& this_thread_watch() {
  ThreadWatch* w = t_watch;
  if (w != nullptr && w->generation == g_generation.load(std::memory_order_relaxed)) [[likely]] return *w;
  return register_thread();
}

ThreadWatch* this_thread_watch_if_any() { return t_watch; }

}  // namespace sim::detail
