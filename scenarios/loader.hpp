// Reads a scenario file (or text), applies --set overrides, resolves presets and checks
// everything, collecting all errors. Throws ScenarioError listing every problem.
#pragma once

#include <string>
#include <vector>

#include "scenarios/scenario.hpp"

namespace moesim {

// `overrides`: "path=value" strings from --set (value parsed as YAML).
[[nodiscard]] Scenario load_scenario_file(const std::string& path,
                                          const std::vector<std::string>& overrides = {});
// `display_name` is used in messages; `base_dir` resolves relative workload paths.
[[nodiscard]] Scenario load_scenario_text(const std::string& text, const std::string& display_name,
                                          const std::string& base_dir,
                                          const std::vector<std::string>& overrides = {});

}  // namespace moesim
