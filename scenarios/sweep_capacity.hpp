// The `capacity:` map of a sweep file's `sweep:` section: every point becomes a capacity search
// (`moesim capacity`) instead of one run, and results.csv gains its capacity columns.
//
//   sweep:
//     grid: {deployment.tp: [1, 2]}
//     capacity: {slo: ["ttft<=2s", "tpot<=50ms"], attainment: 0.99, over: rate}
//
// Keys: slo (one objective or a list; required), attainment (0, 1], over (rate | concurrency),
// tolerance (0, 1), max_runs (1 to 1000), low, high (loads, numbers above 0). Each is checked as
// `moesim capacity` checks its option, and reported at its place in the file.
#pragma once

#include <string>
#include <vector>

#include "scenarios/yaml_reader.hpp"

namespace moesim {

// The `moesim capacity` options the map stands for ("--slo", "ttft<=2s", "--attainment",
// "0.99", ...), in a fixed order; problems are added to the reader's diagnostics.
[[nodiscard]] std::vector<std::string> read_sweep_capacity(MapReader& capacity);

}  // namespace moesim
