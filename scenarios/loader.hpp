// Reads a scenario file (or text), applies --set overrides, resolves presets and checks
// everything, collecting all errors. Throws ScenarioError listing every problem.
#pragma once

#include <string>
#include <vector>

#include "scenarios/scenario.hpp"
#include "scenarios/yaml_reader.hpp"

namespace moesim {

// `overrides`: "path=value" strings from --set (value parsed as YAML).
[[nodiscard]] Scenario load_scenario_file(const std::string& path,
                                          const std::vector<std::string>& overrides = {});
// `display_name` is used in messages; `base_dir` resolves relative workload paths.
[[nodiscard]] Scenario load_scenario_text(const std::string& text, const std::string& display_name,
                                          const std::string& base_dir,
                                          const std::vector<std::string>& overrides = {});

// The text of a scenario or sweep file (`what` names it in messages: "scenario file"). Throws
// ScenarioError naming `path` when it cannot be opened, is a folder, or holds more than 64 MiB
// (a device such as /dev/zero).
[[nodiscard]] std::string read_yaml_file(const std::string& path, const std::string& what);

// Reads every section of a parsed scenario (`root`) and adds what is wrong to `ctx` (unknown keys,
// values, units, plug-in parameters, missing files), without the cross-checks of a whole
// deployment: the sweep loader's check of its base scenario and swept paths before any point runs.
void check_scenario_sections(const YAML::Node& root, const std::string& display_name,
                             const std::string& base_dir, ReadContext& ctx);

}  // namespace moesim
