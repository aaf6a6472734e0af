// Helpers of the interruption tests: start moesim as a child process (optionally under a file
// size limit), signal it, wait for it, and look at what it left.
#pragma once

#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace moesim::test {

// Starts `moesim args...`, output to `log`. `fsize_limit` > 0: RLIMIT_FSIZE in bytes with
// SIGXFSZ ignored, so a write past it fails with EFBIG (as on a full disk) instead of killing.
inline pid_t start_moesim(const std::vector<std::string>& args, const std::string& log,
                          long fsize_limit = 0) {
  std::vector<std::string> all{MOESIM_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  const pid_t pid = fork();
  if (pid == 0) {
    // Until execv the child runs the test binary's signal handlers (doctest reports a SIGINT as
    // a failed test): a signal sent this early must end it plainly.
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    setpgid(0, 0);  // a group of its own: a SIGINT sent to the test does not reach it
    if (fsize_limit > 0) {
      signal(SIGXFSZ, SIG_IGN);
      const rlimit lim{rlim_t(fsize_limit), rlim_t(fsize_limit)};
      setrlimit(RLIMIT_FSIZE, &lim);
    }
    std::FILE* f = std::freopen(log.c_str(), "w", stdout);
    if (!f) _exit(126);
    dup2(fileno(stdout), STDERR_FILENO);
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(MOESIM_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

// Exit status, or -signal when killed.
inline int status_of(int st) { return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st); }

inline int wait_status(pid_t pid) {
  int st = 0;
  while (waitpid(pid, &st, 0) < 0) {
    if (errno != EINTR) return -1000;
  }
  return status_of(st);
}

// The child processes of `pid` (from /proc/<p>/stat's parent field).
inline std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> out;
  DIR* d = opendir("/proc");
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    const pid_t p = pid_t(std::atoi(e->d_name));
    if (p <= 0) continue;
    std::ifstream in("/proc/" + std::string(e->d_name) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(text.c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == pid &&
        state != 'Z') {
      out.push_back(p);
    }
  }
  closedir(d);
  return out;
}

// Files under `dir` whose names end in .partial or .tmp.
inline std::vector<std::string> temporaries(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const std::string p = it->path().string();
    if (p.size() > 8 && (p.ends_with(".partial") || p.ends_with(".tmp"))) out.push_back(p);
  }
  return out;
}

inline void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

}  // namespace moesim::test
