// The search of `moesim capacity`: the highest load whose attainment reaches the required level,
// assuming attainment falls as load rises. Pure: the probe is a function (one simulation in the
// CLI, an analytic function in the tests).
//
// 1. Start: probe `low`, else the scenario's load (half of `high` when that is at or above
//    `high`). When it fails and `low` was given (or the load
//    cannot go lower), the search ends: lowest_fails. Without `low`, the load is halved until a
//    probe passes (lowest_fails when max_runs or the smallest load comes first).
// 2. Bracket: probe `high` when given (it passes: high_passes, the capacity is at least high);
//    else double the passing load until a probe fails (no_failure when max_runs comes first).
// 3. Bisect between the highest passing load and the lowest failing one until
//    high - low <= tolerance x high (and, over integers, until they are adjacent or the
//    tolerance holds); the midpoint of integers is rounded down. max_runs stops it early
//    (max_runs: the bracket is reported).
// A load is never probed twice. The capacity is the highest passing load.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace moesim {

struct CapacitySearchOptions {
  double start = 1;                 // the scenario's load
  std::optional<double> low, high;  // --low, --high
  double level = 0.99;              // a load passes when its attainment >= level
  double tolerance = 0.02;          // relative width of the final bracket
  std::size_t max_runs = 20;        // probes at most
  bool integer = false;             // loads are whole numbers >= 1 (concurrency)
};

enum class CapacityStatus { kBracketed, kLowestFails, kHighPasses, kNoFailure, kMaxRuns };

// "bracketed", "lowest_fails", "high_passes", "no_failure", "max_runs".
[[nodiscard]] const char* capacity_status_name(CapacityStatus s);

struct CapacityProbe {
  double load = 0;
  double attainment = 0;
  bool pass = false;
};

// Two probes against monotonicity: a higher load met the objectives more often than a lower one.
struct NonMonotone {
  double lower_load = 0, lower_attainment = 0;
  double higher_load = 0, higher_attainment = 0;
};

struct CapacitySearchResult {
  std::vector<CapacityProbe> probes;   // in the order run
  std::optional<double> capacity;      // highest passing load
  std::optional<double> lowest_fail;   // lowest failing load
  CapacityStatus status = CapacityStatus::kBracketed;
  std::vector<NonMonotone> non_monotone;
  // The index in `probes` of the probe at the capacity.
  [[nodiscard]] std::optional<std::size_t> capacity_probe() const;
};

// `attainment_at(load)` runs one probe. Preconditions (checked by the caller): start > 0,
// low < high when both are given, high >= 2 over integers, 0 < level <= 1, tolerance > 0, max_runs >= 1.
[[nodiscard]] CapacitySearchResult search_capacity(
    const CapacitySearchOptions& o, const std::function<double(double load)>& attainment_at);

// The probes sorted by load, each pair that breaks monotonicity: for every probe, the lower-load
// probe of least attainment when that is below this probe's.
[[nodiscard]] std::vector<NonMonotone> non_monotone_pairs(std::vector<CapacityProbe> probes);

}  // namespace moesim
