// `moesim compare`: the key metrics of several finished runs side by side, with ratios to the
// first run, and their latency samples for one overlaid CDF plot per latency.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/json_flat.hpp"

namespace moesim {

struct ComparedRun {
  std::string label;   // the folder's name (the whole path when two names collide)
  std::string dir;
  FlatJson summary;    // summary.json, flattened ("tpot_s.p90")
  // Completed requests' latencies from requests.csv (empty when the run wrote none).
  std::vector<double> ttft_s, tpot_s, e2e_s;
};

struct ComparisonRow {
  std::string metric;                         // dotted summary key
  std::vector<std::optional<double>> values;  // per run; nullopt: absent, null or not a number
};

// The metrics compared when none are asked for: throughput, latencies, SLO, batch and KV figures,
// speculation ratios. A key absent from every run is left out.
[[nodiscard]] const std::vector<std::string>& default_comparison_metrics();

// Reads DIR/summary.json (required) and DIR/requests.csv (optional). Throws InputError naming
// the file when summary.json is missing or malformed, or a requests.csv lacks its latency columns.
[[nodiscard]] ComparedRun load_compared_run(const std::string& dir);

// Labels: folder names, or whole paths where two folder names are equal.
void label_runs(std::vector<ComparedRun>& runs);

// One row per metric present in at least one run, in the order of `metrics`.
[[nodiscard]] std::vector<ComparisonRow> compare_runs(const std::vector<ComparedRun>& runs,
                                                      const std::vector<std::string>& metrics);

// value / first run's value; nullopt when either is missing or the first is 0.
[[nodiscard]] std::optional<double> ratio_to_first(const ComparisonRow& row, std::size_t run);

// A value in the unit that fits: keys that are durations ("..._s" or "..._s.<stat>") in s, ms or
// us with 4 significant digits; other numbers with up to 4 significant digits; "n/a" if missing.
[[nodiscard]] std::string format_metric(const std::string& metric, std::optional<double> v);

// Markdown table: metric, then per run its value and, after the first, "(x ratio)".
[[nodiscard]] std::string comparison_markdown(const std::vector<ComparedRun>& runs,
                                              const std::vector<ComparisonRow>& rows);
// CSV: metric, then per run the value (empty when missing) and its ratio to the first.
[[nodiscard]] std::string comparison_csv(const std::vector<ComparedRun>& runs,
                                         const std::vector<ComparisonRow>& rows);

}  // namespace moesim
