// interleave: the command — run, replay and check scenario files (cli/command_line.cpp has the flags).
#include <unistd.h>

#include <new>

#include "cli/cli.hpp"
#include "cli/command_line.hpp"

namespace {

// An allocation that fails is the input's doing (a scenario too big for this machine): a message
// and exit code 2, never std::bad_alloc's abort. Nothing here may allocate.
void out_of_memory() {
  static const char message[] =
      "interleave: error: out of memory: the scenario needs more than this machine (or its limits) can give; lower "
      "--max-elements, --max-tasks or --history-steps\n";
  [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, message, sizeof message - 1);
  ::_exit(cli::exit_usage);
}

}  // namespace

int main(int argc, char** argv) {
  cli::CommandLine command_line;
  if (const std::optional<int> decided = command_line.parse(argc, argv)) return *decided;
  std::set_new_handler(&out_of_memory);
  return cli::finish(command_line.run());
}
