// The two running counts of `moesim fidelity --serving`, each defined the same way on the
// measured and the simulated side.
#include <doctest/doctest.h>

#include "analysis/serving_fidelity.hpp"

using namespace moesim;

TEST_CASE("mean_count_at_ticks: the count of the latest step started at or before each tick") {
  // Steps start at 10.0 (3 running), 10.5 (5), 12.0 (2); origin 10 (the first arrival).
  const std::vector<std::pair<double, double>> steps = {{10.0, 3}, {10.5, 5}, {12.0, 2}};
  // Ticks at 0.25 -> 3, 1.0 -> 5, 2.0 -> 2 (a step starting exactly at the tick counts),
  // 5.0 -> 2: mean 3.
  CHECK(mean_count_at_ticks(steps, 10.0, {0.25, 1.0, 2.0, 5.0}) == doctest::Approx(3.0));
  // Before the first step nothing runs.
  CHECK(mean_count_at_ticks(steps, 0.0, {1.0, 10.0}) == doctest::Approx(1.5));
  CHECK(mean_count_at_ticks(steps, 10.0, {}) == -1);
  CHECK(mean_count_at_ticks({}, 0.0, {1.0}) == 0);
}

TEST_CASE("in flight: requests between first scheduling and last token, preempted ones included") {
  // Two requests: [0 arrival, 1 scheduled, 2 first token, 4 last token] and [0, 3, 3.5, 6].
  const std::vector<RequestTimes> r = {{0, 1, 2, 4, 3}, {0, 3, 3.5, 6, 4}};
  const ServingMetrics m = serving_metrics(r, {0.5, 1.0, 3.0, 4.0, 6.0});
  // 0.5: none; 1.0: first; 3.0: both; 4.0: second (the first ended); 6.0: none -> 4 / 5.
  CHECK(m.mean_in_flight == doctest::Approx(0.8));
  CHECK(m.mean_running == -1);  // the engine count is the caller's (timeseries or steps)
  CHECK(serving_metrics(r, {}).mean_in_flight == -1);
}
