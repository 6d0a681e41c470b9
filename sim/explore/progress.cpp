// Terminal helpers: the progress line and the SIGINT flag.
#include "sim/explore/progress.hpp"

#include <unistd.h>

#include <signal.h>

#include <cstdio>

namespace sim {

namespace {
std::atomic<bool> g_interrupted{false};
std::atomic<int> g_installed{0};
struct sigaction g_previous {};

extern "C" void on_sigint(int) { g_interrupted.store(true, std::memory_order_relaxed); }
}  // namespace

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

bool ProgressPrinter::due() const {
  return enabled_ && Clock::now() - last_ >= std::chrono::milliseconds(250);
}

void ProgressPrinter::draw(const std::string& text) {
  if (!enabled_) return;
  last_ = Clock::now();
  // Carriage return and erase-line: the line is redrawn where it is, never scrolled.
  std::fprintf(stderr, "\r\033[K%s", text.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressPrinter::finish() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

SigintStop::SigintStop() {
  // Nested searches (or parallel ones in one process) share the one handler.
  if (g_installed.fetch_add(1) != 0) return;
  g_interrupted.store(false);
  struct sigaction action {};
  action.sa_handler = on_sigint;
  // Once only: the next Ctrl-C ends the process as usual, should the search not stop.
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_previous);
}

SigintStop::~SigintStop() {
  if (g_installed.fetch_sub(1) != 1) return;
  sigaction(SIGINT, &g_previous, nullptr);
}

const std::atomic<bool>& SigintStop::flag() { return g_interrupted; }

}  // namespace sim
