// Measured versus predicted serving metrics of one run (`moesim fidelity --serving`): the same
// definitions applied to the measured request times (analysis/serving_run.hpp) and to the
// simulated ones.
//   throughput = output tokens / makespan; makespan = last token of the last request - first
//   arrival; TTFT = first token - arrival; TPOT = (last - first token) / (output tokens - 1) for
//   requests with more than one output token; E2E = last token - arrival; queueing = first
//   scheduling - arrival; prefill = first token - first scheduling. Two counts, each a mean over
//   the timeseries ticks and each defined the same way on both sides: running = the engine's
//   own count of running requests (measured: the timeseries column; predicted: the simulated
//   scheduler's running list after the latest step planned at or before the tick); in flight =
//   requests between their first scheduling and their last token (from request times on both
//   sides; a preempted request waiting to resume counts as in flight, not as running).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
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
  double first_arrival = 0;  // the clock's origin of the ticks
  DistributionSummary ttft, tpot, e2e;
  double queueing = 0, prefill = 0;  // means
  double mean_running = -1;          // engine count at the ticks; -1: not known
  double mean_in_flight = -1;        // from request times at the ticks; -1: no ticks
};

[[nodiscard]] std::vector<RequestTimes> measured_times(const ServingRun& run);
// `tick_times` (seconds after the first arrival): where the in-flight count is sampled; empty:
// mean_in_flight stays -1. mean_running is left at -1 for the caller (mean_count_at_ticks).
[[nodiscard]] ServingMetrics serving_metrics(const std::vector<RequestTimes>& r,
                                             const std::vector<double>& tick_times);

// A count that changes at step starts ({start, count}, sorted by start, seconds on the
// requests' clock), sampled at origin + each tick: the count of the latest step started at or
// before it (0 before the first step); the mean of the samples. -1 when there are no ticks.
[[nodiscard]] double mean_count_at_ticks(const std::vector<std::pair<double, double>>& steps,
                                         double origin, const std::vector<double>& tick_times);

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
