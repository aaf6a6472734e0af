// Measured versus predicted serving metrics of one run (`moesim fidelity --serving`): the same
// definitions applied to the measured request times (analysis/serving_run.hpp) and to the
// simulated ones.
//   throughput = output tokens / makespan; makespan = last token of the last request - first
//   arrival; TTFT = first token - arrival; TPOT = (last - first token) / (output tokens - 1) for
//   requests with more than one output token; E2E = last token - arrival; queueing = first
//   scheduling - arrival; prefill = first token - first scheduling; mean running = mean over the
//   timeseries ticks of the requests running then (measured: the engine's own count;
//   predicted: requests between their first scheduling and their last token).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/distribution.hpp"
#include "analysis/serving_run.hpp"

namespace moesim {

// One request's times in seconds on one clock.
struct RequestTimes {
  double arrival = 0, scheduled = 0, first_token = 0, last_token = 0;
  std::int64_t output_tokens = 0;
};

struct ServingMetrics {
  double throughput = 0;  // output tokens per second
  double makespan = 0;
  DistributionSummary ttft, tpot, e2e;
  double queueing = 0, prefill = 0;  // means
  double mean_running = -1;          // -1: no ticks
};

[[nodiscard]] std::vector<RequestTimes> measured_times(const ServingRun& run);
// `tick_times` (seconds on the requests' clock): where the running count is sampled; empty:
// mean_running stays -1.
[[nodiscard]] ServingMetrics serving_metrics(const std::vector<RequestTimes>& r,
                                             const std::vector<double>& tick_times);

struct FidelityRow {
  std::string metric;
  double measured = 0, predicted = 0;
  [[nodiscard]] double error() const { return measured != 0 ? predicted / measured - 1 : 0; }
};

[[nodiscard]] std::vector<FidelityRow> fidelity_rows(const ServingMetrics& measured,
                                                     const ServingMetrics& predicted);

// The four headline metrics of the acceptance goal: throughput, mean TTFT, TPOT and E2E.
[[nodiscard]] const std::vector<std::string>& headline_metrics();
[[nodiscard]] const FidelityRow& row(const std::vector<FidelityRow>& rows, const std::string& m);

// "| metric | measured | predicted | error |" table.
[[nodiscard]] std::string fidelity_markdown(const std::vector<FidelityRow>& rows);

}  // namespace moesim
