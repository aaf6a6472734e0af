#include "cli/run_output.hpp"

#include <algorithm>
#include <filesystem>

namespace moesim {

const std::vector<std::string>& run_file_names() {
  static const std::vector<std::string> names{"summary.json", "requests.csv", "steps.csv",
                                              "scenario.resolved.yaml", "latency_cdf.svg"};
  return names;
}

void remove_run_files(const std::string& dir, bool partials, const std::vector<std::string>& keep) {
  for (const auto& n : run_file_names()) {
    if (std::find(keep.begin(), keep.end(), n) != keep.end()) continue;
    std::error_code ec;
    std::filesystem::remove(dir + "/" + n + (partials ? ".partial" : ""), ec);
  }
}

void clear_earlier_run(const std::string& dir, const std::vector<std::string>& written) {
  std::error_code ec;
  if (!std::filesystem::is_symlink(dir + "/summary.json", ec)) {
    std::filesystem::remove(dir + "/summary.json", ec);
  }
  remove_run_files(dir, false, written);
}

}  // namespace moesim
