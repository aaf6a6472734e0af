// Bounded-memory latency samples: exact while small, within 0.5% once sketched.
#include <doctest/doctest.h>

#include <cmath>

#include "analysis/sample.hpp"
#include "models/rng.hpp"

using namespace moesim;

TEST_CASE("below the limit the summary is exact") {
  LatencySample s(1000);
  std::vector<double> v;
  RandomStream rng(3, "sample");
  for (int i = 0; i < 1000; ++i) {
    v.push_back(rng.exponential(0.02));
    s.add(v.back());
  }
  CHECK(s.exact());
  const auto a = s.summary(), b = summarize(v);
  CHECK(a.p50 == b.p50);
  CHECK(a.p99 == b.p99);
  CHECK(a.mean == b.mean);
}

TEST_CASE("above the limit percentiles stay within the relative accuracy") {
  LatencySample s(1000);
  std::vector<double> v;
  RandomStream rng(4, "sample");
  for (int i = 0; i < 200000; ++i) {
    v.push_back(std::exp(rng.normal() * 0.8 - 3.0));  // lognormal latencies around 50 ms
    s.add(v.back());
  }
  CHECK_FALSE(s.exact());
  const auto a = s.summary(), b = summarize(v);
  CHECK(a.count == b.count);
  CHECK(a.mean == doctest::Approx(b.mean).epsilon(1e-9));
  CHECK(a.max == b.max);
  for (auto [x, y] : {std::pair{a.p50, b.p50}, {a.p90, b.p90}, {a.p99, b.p99}}) {
    CHECK(std::abs(x - y) <= LatencySample::kRelativeAccuracy * y * 1.0001);
  }
}
