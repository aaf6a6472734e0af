// Shared by the scenario-loader tests: a minimal valid scenario and the diagnostics of a load.
#pragma once

#include <string>
#include <vector>

#include "scenarios/loader.hpp"

namespace moesim::test {

// One H100 serving Qwen1.5-MoE-A2.7B under light Poisson traffic; tests append or --set.
inline const char* const kBase = R"(name: t
model: qwen1.5-moe-a2.7b
hardware: h100-sxm
cluster: {nodes: 1, devices_per_node: 1}
workload:
  source: {name: poisson, rate: 2/s, requests: 10}
)";

// Every diagnostic of loading `text` as t.yaml (with `sets` as --set), or "" when it loads.
inline std::string errors_of(const std::string& text, const std::vector<std::string>& sets = {}) {
  try {
    (void)load_scenario_text(text, "t.yaml", ".", sets);
  } catch (const ScenarioError& e) {
    return e.diagnostics().text();
  }
  return "";
}

}  // namespace moesim::test
