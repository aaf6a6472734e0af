// From a measured serving run (analysis/serving_run.hpp) to a moesim scenario and a simulated
// replay of its exact trace (`moesim fidelity --serving`).
#pragma once

#include <string>
#include <vector>

#include "analysis/serving_fidelity.hpp"
#include "analysis/serving_run.hpp"
#include "scenarios/scenario.hpp"

namespace moesim {

class Args;
// `moesim fidelity --serving DIR...` (cli/cmd_serving_fidelity.cpp).
int serving_fidelity_command(const Args& a);

struct ReplayOptions {
  std::string hardware;  // catalog preset for runs whose meta.json names no GPU
  std::string model;     // catalog preset; empty: from meta.json's model name
  std::string engine = "vllm_v1";
  std::vector<std::string> sets;  // --set path=value, applied last
};

// The scenario that mirrors the run's engine configuration (text, for messages and tests) and
// how each value was chosen, one line each.
struct ReplayScenario {
  std::string yaml;
  std::vector<std::string> notes;
  std::string hardware, model;  // presets chosen
};
[[nodiscard]] ReplayScenario replay_scenario(const ServingRun& run, const ReplayOptions& o);

// The catalog preset for a GPU name ("NVIDIA GeForce RTX 4090" -> "rtx-4090") or a Hugging Face
// model name ("meta-llama/Llama-3.1-8B" -> "llama-3-8b"); "" when unknown.
[[nodiscard]] std::string hardware_preset_for(const std::string& device_name);
[[nodiscard]] std::string model_preset_for(const std::string& hf_name);

struct ReplayResult {
  std::vector<RequestTimes> requests;  // completed requests, on the simulated clock
  long long rejected = 0, steps = 0, preemptions = 0;
  // Per step, in order: its start and the sequences running once it was planned (all ranks).
  std::vector<std::pair<double, double>> step_running;
};

// Loads the scenario (with o.sets), replays the run's exact arrivals (queued times) and lengths,
// and returns the simulated request times. The simulation runs in a child process (SimGrid
// allows one engine per process), so it can be called many times.
[[nodiscard]] ReplayResult replay(const ServingRun& run, const ReplayScenario& sc,
                                  const std::vector<std::string>& sets);

}  // namespace moesim
