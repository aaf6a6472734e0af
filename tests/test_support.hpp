// Helpers shared by tests that run the moesim binary or write temporary inputs.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace moesim::test {

struct CommandResult {
  int status = -1;     // exit status
  std::string output;  // stdout and stderr together
};

// Runs the moesim binary with `args` (a shell fragment), capturing output and exit status.
inline CommandResult run_moesim(const std::string& args) {
  const std::string cmd = std::string(MOESIM_BINARY) + " " + args + " 2>&1";
  CommandResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), int(buf.size()), p)) r.output += buf.data();
  const int raw = pclose(p);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

// A fresh, empty temporary folder unique to `name`.
inline std::string temp_dir(const std::string& name) {
  // The process id keeps concurrent runs of the suite (several checkouts on one machine) apart.
  const auto dir = std::filesystem::temp_directory_path() /
                   ("moesim-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// data/<rel> in the repository (third-party files every clone has; data/README.md).
inline std::string repo_data(const std::string& rel) {
  return std::string(MOESIM_DATA_DIR) + "/" + rel;
}

}  // namespace moesim::test
