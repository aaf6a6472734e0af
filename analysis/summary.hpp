// summary.json: the stable keys documented in the README ("Results").
#pragma once

#include <optional>
#include <string>

#include "analysis/metrics.hpp"

namespace moesim {

struct RunFacts {
  std::string scenario;
  std::string model;
  std::string hardware;
  int devices = 1;  // all devices of all replicas
  double wall_time_s = 0;
  int gamma = 0;
  std::string spec_method;
  // US dollars per device per hour (scenario `cost` or the hardware preset); none: no `cost` key.
  std::optional<double> price_per_device_hour;
};

struct BaselineFacts {
  double throughput = 0;  // output tokens per second without speculation (NaN: undefined)
  double tpot_mean = 0;   // NaN when no request had a second token
};

// `baseline`: the same scenario without speculation (same arrivals), when compared. Statistics
// that are undefined (no sample, a ratio over zero) are written as null, never as 0.
[[nodiscard]] std::string summary_json(const RunFacts& facts, const SimulationTotals& totals,
                                       const MetricsCollector& m,
                                       const std::optional<BaselineFacts>& baseline);

// The figures a baseline run hands back to the speculative one.
[[nodiscard]] BaselineFacts baseline_facts(const SimulationTotals& totals,
                                           const MetricsCollector& m);

}  // namespace moesim
