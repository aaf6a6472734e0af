// One `moesim` child process run to its end (SimGrid allows one engine per process): the
// arguments after the executable, stdin from /dev/null, stdout and stderr into `log`. Used by
// `moesim validation` and `moesim capacity` (the sweep runs many at once: cli/cmd_sweep.cpp).
#pragma once

#include <string>
#include <vector>

namespace moesim {

struct ChildOutcome {
  int exit_status = -1;  // -1 when it did not exit (a signal) or did not start
  std::string error;     // "" on exit status 0; else why, with the first lines of the log
};

// The path of the running moesim binary (/proc/self/exe).
[[nodiscard]] std::string moesim_executable();

// Runs `exe args...` and waits for it. When a stop signal is recorded meanwhile
// (cli/interrupt.hpp: the caller installed the handlers), the child gets SIGTERM.
[[nodiscard]] ChildOutcome run_moesim_child(const std::string& exe,
                                            const std::vector<std::string>& args,
                                            const std::string& log);

}  // namespace moesim
