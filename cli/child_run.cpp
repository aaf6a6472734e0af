#include "cli/child_run.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>

#include "cli/interrupt.hpp"
#include "cli/sweep_files.hpp"

extern char** environ;

namespace moesim {

std::string moesim_executable() {
  return std::filesystem::read_symlink("/proc/self/exe").string();
}

ChildOutcome run_moesim_child(const std::string& exe, const std::vector<std::string>& args,
                              const std::string& log) {
  std::vector<std::string> all{exe};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, exe.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return {-1, std::string("cannot start: ") + std::strerror(rc)};
  int status = 0;
  bool forwarded = false;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return {-1, std::string("waitpid: ") + std::strerror(errno)};
    // A stop signal (the sweep stopping its points, SIGTERM from a scheduler) stops the child
    // too; it removes its temporaries and the caller sees stop_signal().
    if (stop_signal() != 0 && !forwarded) {
      kill(pid, SIGTERM);
      forwarded = true;
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {0, ""};
  const std::string head = first_log_lines(log);
  const std::string why = WIFSIGNALED(status)
                              ? "killed by signal " + std::to_string(WTERMSIG(status))
                              : "exit status " + std::to_string(WEXITSTATUS(status));
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, head.empty() ? why : why + ": " + head};
}

}  // namespace moesim
