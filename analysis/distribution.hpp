// Exact summary statistics of a sample (mean and nearest-rank percentiles on the sorted values).
#pragma once

#include <vector>

namespace moesim {

struct DistributionSummary {
  double mean = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
  long long count = 0;
};

// Nearest-rank percentile: the smallest value with at least p% of the sample at or below it.
[[nodiscard]] DistributionSummary summarize(std::vector<double> values);

}  // namespace moesim
