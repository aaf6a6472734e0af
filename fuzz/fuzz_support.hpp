// Shared by the libFuzzer targets: what counts as a normal outcome, and a scratch file for the
// readers that take a path.
//
// A target calls the code under test inside `expected_errors`: moesim's typed errors
// (ScenarioError, ConfigError, InputError, UsageError) are how bad input is reported, so they end
// the iteration normally. Any other exception leaves LLVMFuzzerTestOneInput, reaches
// std::terminate and aborts: libFuzzer records that input as a crash, like a sanitizer report.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/args.hpp"  // UsageError (header-only class)
#include "models/errors.hpp"
#include "scenarios/diagnostics.hpp"

namespace moesim::fuzz {

template <class F>
void expected_errors(F&& body) {
  try {
    body();
  } catch (const ScenarioError&) {
  } catch (const ConfigError&) {
  } catch (const InputError&) {
  } catch (const UsageError&) {
  }
}

// Reports a broken contract (a result the API promises never to return) as a crash.
inline void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz contract violated: %s\n", what);
    std::abort();
  }
}

// A per-process scratch directory under the system temp dir, removed at exit.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    auto p = std::filesystem::temp_directory_path() /
             ("moesim-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(p);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(scratch_dir(), ignored);
    });
    return p;
  }();
  return dir;
}

// Writes the fuzz input byte for byte to scratch_dir()/name (overwritten each iteration) and
// returns its path.
inline std::string write_input(const std::string& name, const std::uint8_t* data,
                               std::size_t size) {
  const std::string path = (scratch_dir() / name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace moesim::fuzz
