// A sample of a latency metric with bounded memory: exact values while there are at most
// `exact_limit` of them (summaries then exact), afterwards a logarithmic histogram whose
// percentiles are within 0.5% (relative) of the exact ones. The mean, count and maximum stay
// exact. Deterministic: the same values in the same order give the same summary.
#pragma once

#include <cstddef>
#include <map>
#include <vector>

#include "analysis/distribution.hpp"

namespace moesim {

class LatencySample {
 public:
  explicit LatencySample(std::size_t exact_limit = std::size_t(1) << 20) : exact_limit_(exact_limit) {}

  void add(double v);
  void add(const std::vector<double>& values) {
    for (double v : values) add(v);
  }
  [[nodiscard]] long long count() const { return count_; }
  [[nodiscard]] bool exact() const { return !sketched_; }
  [[nodiscard]] DistributionSummary summary() const;
  // The values themselves while the sample is exact (empty once sketched).
  [[nodiscard]] const std::vector<double>& values() const { return exact_; }

  // Relative accuracy of percentiles once the sample is sketched.
  static constexpr double kRelativeAccuracy = 0.005;

 private:
  void to_sketch();
  void add_to_sketch(double v);

  std::size_t exact_limit_;
  std::vector<double> exact_;
  bool sketched_ = false;
  std::map<int, long long> buckets_;  // bucket k holds (gamma^(k-1), gamma^k]
  long long non_positive_ = 0;        // values <= 0 (reported as 0)
  long long count_ = 0;
  double sum_ = 0, max_ = 0;
};

[[nodiscard]] inline DistributionSummary summarize(const LatencySample& s) { return s.summary(); }

}  // namespace moesim
