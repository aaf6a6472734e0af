// Helpers shared by the workloads tests: scratch files and draining a request source.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "workloads/request_source.hpp"

namespace moesim::test {

// A fresh directory under the system temp dir, removed with its contents on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("moesim-wl-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  // Writes `content` byte for byte to dir/name and returns the full path.
  [[nodiscard]] std::string write(const std::string& name, const std::string& content) const {
    const std::string p = file(name);
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }
  [[nodiscard]] std::string dir() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// data/<rel> in the repository (third-party files every clone has; data/README.md).
inline std::string repo_data(const std::string& rel) {
  return std::string(MOESIM_DATA_DIR) + "/" + rel;
}

inline std::vector<Request> drain(RequestSource& source) {
  std::vector<Request> out;
  while (auto r = source.next()) out.push_back(std::move(*r));
  return out;
}

// A trace source of `format` over `path` with extra text parameters ("limit" -> "3").
inline std::unique_ptr<RequestSource> open_source(
    const std::string& format, const std::string& path,
    const std::vector<std::pair<std::string, ParamValue>>& extra = {},
    const SourceContext& ctx = {}) {
  ParamSet p;
  p.set("path", path);
  for (const auto& [k, v] : extra) p.set(k, v);
  return request_sources().create(format, std::move(p), ctx);
}

}  // namespace moesim::test
