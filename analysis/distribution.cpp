#include "analysis/distribution.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace moesim {

DistributionSummary summarize(std::vector<double> v) {
  DistributionSummary s;
  s.count = static_cast<long long>(v.size());
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
  auto rank = [&](double p) {
    const auto k = static_cast<std::size_t>(std::ceil(p / 100.0 * double(v.size())));
    return v[std::min(v.size() - 1, k == 0 ? 0 : k - 1)];
  };
  s.p50 = rank(50);
  s.p90 = rank(90);
  s.p99 = rank(99);
  s.max = v.back();
  return s;
}

}  // namespace moesim
