#include "analysis/sample.hpp"

#include <algorithm>
#include <cmath>

namespace moesim {
namespace {
// gamma = (1 + a) / (1 - a): every value in a bucket lies within a relative a of the bucket's
// representative 2 gamma^k / (gamma + 1).
const double kGamma = (1.0 + LatencySample::kRelativeAccuracy) / (1.0 - LatencySample::kRelativeAccuracy);
const double kLogGamma = std::log(kGamma);
}  // namespace

void LatencySample::add(double v) {
  count_ += 1;
  sum_ += v;
  max_ = count_ == 1 ? v : std::max(max_, v);
  if (!sketched_) {
    exact_.push_back(v);
    if (exact_.size() > exact_limit_) to_sketch();
    return;
  }
  add_to_sketch(v);
}

void LatencySample::add_to_sketch(double v) {
  if (!(v > 0)) {
    non_positive_ += 1;
    return;
  }
  buckets_[int(std::ceil(std::log(v) / kLogGamma))] += 1;
}

void LatencySample::to_sketch() {
  sketched_ = true;
  for (double v : exact_) add_to_sketch(v);
  exact_.clear();
  exact_.shrink_to_fit();
}

DistributionSummary LatencySample::summary() const {
  if (!sketched_) return summarize(exact_);
  DistributionSummary s;
  s.count = count_;
  s.mean = count_ > 0 ? sum_ / double(count_) : 0.0;
  s.max = max_;
  auto rank = [&](double p) {
    const auto k = static_cast<long long>(std::ceil(p / 100.0 * double(count_)));
    long long seen = non_positive_;
    if (k <= seen) return 0.0;
    for (const auto& [idx, n] : buckets_) {
      seen += n;
      if (seen >= k) return std::min(max_, 2.0 * std::pow(kGamma, idx) / (kGamma + 1.0));
    }
    return max_;
  };
  s.p50 = rank(50);
  s.p90 = rank(90);
  s.p99 = rank(99);
  return s;
}

}  // namespace moesim
