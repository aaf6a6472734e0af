// What `moesim capacity` prints and writes: the table of probes, the answer, capacity.json and
// capacity.md. Same report, same bytes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/capacity_search.hpp"
#include "analysis/capacity_slo.hpp"
#include "analysis/distribution.hpp"
#include "analysis/json_flat.hpp"

namespace moesim {

// The run at the capacity, from its summary.json.
struct CapacityRun {
  long long devices = 1;
  double requests_per_s = 0;  // completed requests / simulated time
  double output_tokens_per_s = 0;
};

struct CapacityReport {
  std::string scenario;  // its name
  std::string over;      // rate | concurrency
  std::vector<SloTarget> slos;
  double level = 0.99;
  CapacitySearchResult search;
  // Per probe (parallel to search.probes), per metric of `metrics`: the distribution.
  std::vector<std::vector<DistributionSummary>> probe_metrics;
  std::vector<std::string> metrics;  // distinct SLO metrics, in the order first named
  std::optional<CapacityRun> at_capacity;

  // Requests per second at the capacity: the offered rate (over rate), the completed requests
  // per simulated second of the run at the capacity (over concurrency); 0 without a capacity.
  [[nodiscard]] double capacity_rps() const;
  [[nodiscard]] double capacity_per_device() const;
};

// The distinct metrics of `slos`, in order.
[[nodiscard]] std::vector<std::string> slo_metrics(const std::vector<SloTarget>& slos);

// Markdown table: load, attainment, p50 and p90 of each metric, pass.
[[nodiscard]] std::string capacity_table(const CapacityReport& r);
// The answer in sentences (capacity, per device, tokens/s, the status, non-monotone probes).
[[nodiscard]] std::string capacity_answer(const CapacityReport& r);
// capacity.md: a heading, the objectives, the table and the answer.
[[nodiscard]] std::string capacity_markdown(const CapacityReport& r);
// capacity.json: scenario, over, slos, attainment, status, capacity figures, probes.
[[nodiscard]] std::string capacity_json(const CapacityReport& r);

// A capacity search's metrics for a sweep's journal: capacity.json's capacity_rps,
// capacity_per_device, capacity_attainment, capacity_load, capacity_output_tokens_per_s and
// capacity_status, then the run at the capacity's summary.json keys (summary_metrics) when there
// is one (`summary_json` non-empty). Throws InputError on malformed JSON or a missing key.
[[nodiscard]] FlatJson capacity_sweep_metrics(const std::string& capacity_json_text,
                                              const std::string& summary_json);

}  // namespace moesim
