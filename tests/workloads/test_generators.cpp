// Synthetic generators: arrival statistics against their analytic values, determinism of the
// seeded streams, and the closed loop's shape.
#include <doctest/doctest.h>

#include <cmath>

#include "workloads/sampling.hpp"
#include "workloads_test_util.hpp"

using namespace moesim;
using moesim::test::drain;

namespace {

struct Workload {
  std::unique_ptr<LengthDistribution> lengths;
  std::unique_ptr<RequestSource> source;
};

// A generator `name` over lognormal lengths (so lengths vary with the stream).
Workload make(const std::string& name, std::uint64_t seed,
              const std::vector<std::pair<std::string, ParamValue>>& params) {
  ParamSet lp;
  lp.set("prompt_median", 1000.0);
  lp.set("prompt_sigma", 1.0);
  lp.set("output_median", 200.0);
  lp.set("output_sigma", 0.5);
  Workload w;
  w.lengths = length_distributions().create("lognormal", lp);
  SourceContext ctx;
  ctx.seed = seed;
  ctx.lengths = w.lengths.get();
  ParamSet p;
  for (const auto& [k, v] : params) p.set(k, v);
  w.source = request_sources().create(name, p, ctx);
  return w;
}

std::vector<double> gaps(const std::vector<Request>& rs) {
  std::vector<double> g;
  double prev = 0.0;
  for (const auto& r : rs) {
    g.push_back(r.arrival.value() - prev);
    prev = r.arrival.value();
  }
  return g;
}

struct Moments {
  double mean, cv;
};

Moments moments(const std::vector<double>& x) {
  double s = 0, ss = 0;
  for (double v : x) s += v;
  const double mean = s / double(x.size());
  for (double v : x) ss += (v - mean) * (v - mean);
  return {mean, std::sqrt(ss / double(x.size() - 1)) / mean};
}

}  // namespace

TEST_CASE("poisson: mean gap is 1/rate") {
  // rate 10/s -> mean gap 0.1 s. The gaps are exponential (sd = mean), so over n = 20000 the
  // sample mean has a relative standard error of 1/sqrt(n) = 0.7%: 3% is over 4 standard errors.
  auto w = make("poisson", 42, {{"rate", 10.0}, {"requests", std::int64_t{20000}}});
  const auto rs = drain(*w.source);
  REQUIRE(rs.size() == 20000);
  const Moments m = moments(gaps(rs));
  CHECK(m.mean == doctest::Approx(0.1).epsilon(0.03));
  CHECK(m.cv == doctest::Approx(1.0).epsilon(0.05));  // exponential: cv = 1
  CHECK(rs.front().arrival.value() >
        0.0);  // the process starts at 0; the first arrival after a gap
  for (std::size_t i = 0; i < rs.size(); ++i) {
    CHECK(rs[i].id == i);
    if (i) CHECK(rs[i].arrival >= rs[i - 1].arrival);
  }
}

TEST_CASE("gamma: gaps have mean 1/rate and the requested coefficient of variation") {
  // Gamma(k = 1/cv^2, scale = 1/(rate k)): mean k * scale = 1/rate, sd sqrt(k) * scale, so
  // sd/mean = 1/sqrt(k) = cv. cv = 2 (k = 0.25) is heavy-tailed (excess kurtosis 6/k = 24): over
  // 100000 gaps the sample cv has a standard error of about 1.5%, so 5% is over 3 of them.
  // cv = 0.5 (k = 4) exercises Marsaglia-Tsang directly; cv = 2 also the k < 1 boost.
  for (double cv : {2.0, 0.5}) {
    CAPTURE(cv);
    auto w = make("gamma", 7, {{"rate", 20.0}, {"cv", cv}, {"requests", std::int64_t{100000}}});
    const Moments m = moments(gaps(drain(*w.source)));
    CHECK(m.mean == doctest::Approx(0.05).epsilon(0.03));
    CHECK(m.cv == doctest::Approx(cv).epsilon(0.05));
  }
}

TEST_CASE("sample_gamma: mean and variance both equal the shape") {
  for (double shape : {0.25, 1.0, 3.0, 50.0}) {
    CAPTURE(shape);
    RandomStream rng(123, "test.gamma");
    std::vector<double> x(200000);
    for (double& v : x) {
      v = sample_gamma(rng, shape);
      REQUIRE(v >= 0.0);
    }
    const Moments m = moments(x);
    CHECK(m.mean == doctest::Approx(shape).epsilon(0.02));
    CHECK(m.cv == doctest::Approx(1.0 / std::sqrt(shape)).epsilon(0.03));
  }
}

TEST_CASE("generators: same seed, same requests - another seed, other requests") {
  for (const char* name : {"poisson", "gamma"}) {
    CAPTURE(name);
    auto a = make(name, 5, {{"rate", 3.0}, {"requests", std::int64_t{200}}});
    auto b = make(name, 5, {{"rate", 3.0}, {"requests", std::int64_t{200}}});
    auto c = make(name, 6, {{"rate", 3.0}, {"requests", std::int64_t{200}}});
    const auto ra = drain(*a.source), rb = drain(*b.source), rc = drain(*c.source);
    REQUIRE(ra.size() == 200);
    int same_arrival = 0, same_prompt = 0;
    for (std::size_t i = 0; i < ra.size(); ++i) {
      CHECK(ra[i].arrival == rb[i].arrival);
      CHECK(ra[i].prompt_tokens == rb[i].prompt_tokens);
      CHECK(ra[i].output_tokens == rb[i].output_tokens);
      same_arrival += ra[i].arrival == rc[i].arrival;
      same_prompt += ra[i].prompt_tokens == rc[i].prompt_tokens;
    }
    CHECK(same_arrival == 0);
    CHECK(same_prompt < 20);  // rounded lengths may coincide now and then
  }
}

TEST_CASE("generators: arrivals and lengths use separate streams") {
  // Switching the arrival process (or its rate) must not change the lengths drawn.
  auto p = make("poisson", 9, {{"rate", 3.0}, {"requests", std::int64_t{100}}});
  auto g = make("gamma", 9, {{"rate", 50.0}, {"cv", 3.0}, {"requests", std::int64_t{100}}});
  const auto rp = drain(*p.source), rg = drain(*g.source);
  REQUIRE(rp.size() == rg.size());
  for (std::size_t i = 0; i < rp.size(); ++i) {
    CHECK(rp[i].prompt_tokens == rg[i].prompt_tokens);
    CHECK(rp[i].output_tokens == rg[i].output_tokens);
  }
}

TEST_CASE("closed_loop: concurrency is reported and every arrival is 0") {
  auto w =
      make("closed_loop", 1, {{"concurrency", std::int64_t{8}}, {"requests", std::int64_t{50}}});
  CHECK(w.source->concurrency() == 8);
  const auto rs = drain(*w.source);
  REQUIRE(rs.size() == 50);
  for (std::size_t i = 0; i < rs.size(); ++i) {
    CHECK(rs[i].id == i);
    CHECK(rs[i].arrival.value() == 0.0);
    CHECK(rs[i].prompt_tokens >= 1);
  }
  CHECK_FALSE(w.source->next().has_value());  // stays at the end
}

TEST_CASE("open-loop generators report no concurrency and the default request count") {
  auto w = make("poisson", 1, {{"rate", 1.0}});
  CHECK(w.source->concurrency() == 0);
  CHECK(drain(*w.source).size() == 1000);
}
