// Routing models: MoESD's N(t) for uniform routing, the expected busiest EP rank, MoGE's zero
// imbalance, and the reductions of skewed / correlated routing to uniform.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <numbers>
#include <numeric>
#include <vector>

#include "models/errors.hpp"
#include "models/routing_model.hpp"
#include "models/routing_popularity.hpp"

using namespace moesim;

namespace {

MoeDims moe(int experts, int top_k, int groups = 1) {
  MoeDims m;
  m.experts = experts;
  m.top_k = top_k;
  m.expert_intermediate = 1408;
  m.groups = groups;
  return m;
}

std::unique_ptr<RoutingModel> make(const char* name, ParamSet p = {}) {
  return routing_models().create(name, std::move(p));
}

ParamSet one(const char* name, ParamValue v) {
  ParamSet p;
  p.set(name, std::move(v));
  return p;
}

void check_same_load(const ExpertLoad& a, const ExpertLoad& b) {
  CHECK(a.activated_experts == doctest::Approx(b.activated_experts).epsilon(1e-12));
  CHECK(a.mean_device_activated == doctest::Approx(b.mean_device_activated).epsilon(1e-12));
  CHECK(a.max_device_activated == doctest::Approx(b.max_device_activated).epsilon(1e-12));
  CHECK(a.mean_device_assignments == doctest::Approx(b.mean_device_assignments).epsilon(1e-12));
  CHECK(a.max_device_assignments == doctest::Approx(b.max_device_assignments).epsilon(1e-12));
}

}  // namespace

TEST_CASE("uniform_activated_experts: MoESD's N(t) for E=64, K=8") {
  // N(t) = E (1 - (1 - K/E)^t) with 1 - K/E = 7/8.
  // N(1)  = 64 (1 - 7/8)                 = 8 exactly.
  CHECK(uniform_activated_experts(1, 64, 8) == doctest::Approx(8.0).epsilon(1e-12));
  // N(4)  = 64 (1 - 2401/4096) = 64 * 1695/4096 = 26.484 ~ 26.5.
  CHECK(std::fabs(uniform_activated_experts(4, 64, 8) - 26.5) < 0.05);
  // N(8)  = 64 (1 - 0.343609)  = 42.009 ~ 42.0.
  CHECK(std::fabs(uniform_activated_experts(8, 64, 8) - 42.0) < 0.05);
  // N(16) = 64 (1 - 0.118067)  = 56.444 ~ 56.4.
  CHECK(std::fabs(uniform_activated_experts(16, 64, 8) - 56.4) < 0.05);
  // N(32) = 64 (1 - 0.013940)  = 63.108 ~ 63.1.
  CHECK(std::fabs(uniform_activated_experts(32, 64, 8) - 63.1) < 0.05);
  // t = 0 touches no expert; t -> infinity touches all E.
  CHECK(uniform_activated_experts(0, 64, 8) == 0.0);
  CHECK(uniform_activated_experts(1e6, 64, 8) == doctest::Approx(64.0));
}

TEST_CASE("uniform routing model: activated experts equal N(t) - pairs are t*K") {
  const auto uniform = make("uniform");
  const MoeDims m = moe(64, 8);
  for (double t : {1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 100.0, 1000.0}) {
    CAPTURE(t);
    for (int ep : {1, 2, 4, 8}) {
      const ExpertLoad l = uniform->load(t, m, ep);
      CHECK(l.activated_experts == doctest::Approx(uniform_activated_experts(t, 64, 8)));
      // Conservation: the per-rank means times ep give the instance totals.
      CHECK(l.mean_device_activated * ep == doctest::Approx(l.activated_experts));
      CHECK(l.mean_device_assignments * ep == doctest::Approx(t * 8));
    }
  }
}

TEST_CASE("EP max load is never below the mean (uniform, skewed, correlated)") {
  const MoeDims m = moe(64, 8);
  for (const char* name : {"uniform", "skewed", "correlated"}) {
    const auto r = make(name);
    for (int ep : {1, 2, 4, 8}) {
      for (double t : {1.0, 3.0, 8.0, 33.0, 128.0, 1024.0}) {
        CAPTURE(name);
        CAPTURE(ep);
        CAPTURE(t);
        const ExpertLoad l = r->load(t, m, ep);
        CHECK(l.max_device_assignments >= l.mean_device_assignments);
        CHECK(l.max_device_activated >= l.mean_device_activated);
        // A rank holds E/ep experts: it can never activate more than that.
        CHECK(l.max_device_activated <= 64.0 / ep + 1e-9);
        CHECK(l.activated_experts <= 64.0 + 1e-9);
      }
    }
  }
}

TEST_CASE("ep = 1: the single rank's max equals its mean") {
  // With one rank, E[max over 1] = the mean (expected_max_standard_normal(1) = 0).
  const MoeDims m = moe(64, 8);
  for (const char* name : {"uniform", "skewed", "correlated"}) {
    const auto r = make(name);
    for (double t : {1.0, 7.0, 64.0}) {
      CAPTURE(name);
      const ExpertLoad l = r->load(t, m, 1);
      CHECK(l.max_device_assignments == doctest::Approx(l.mean_device_assignments));
      CHECK(l.max_device_activated == doctest::Approx(l.mean_device_activated));
      // All t*K token-expert pairs land on the one rank.
      CHECK(l.mean_device_assignments == doctest::Approx(t * 8));
    }
  }
}

TEST_CASE("uniform routing over several ranks has a positive expected imbalance") {
  // 64 experts, 8 ranks, t = 16: mean pairs per rank = 16*8/8 = 16; the variance is
  // t * 8 * (1/8)(7/8) per rank > 0, so the expected maximum exceeds the mean.
  const ExpertLoad l = make("uniform")->load(16, moe(64, 8), 8);
  CHECK(l.mean_device_assignments == doctest::Approx(16.0));
  CHECK(l.max_device_assignments > l.mean_device_assignments + 1.0);
}

TEST_CASE("grouped (MoGE): zero imbalance and the uniform number of activated experts") {
  // E=64, K=8, 8 groups, one group per rank: every token picks K/M = 1 expert in every group,
  // so each rank gets exactly t*K/ep = t pairs, and N(t) is the uniform N(t).
  const auto grouped = make("grouped");
  const auto uniform = make("uniform");
  const MoeDims m = moe(64, 8, 8);
  for (double t : {1.0, 4.0, 16.0, 128.0}) {
    CAPTURE(t);
    const ExpertLoad g = grouped->load(t, m, 8);
    CHECK(g.max_device_assignments == g.mean_device_assignments);
    CHECK(g.mean_device_assignments == doctest::Approx(t));
    CHECK(g.activated_experts == doctest::Approx(uniform->load(t, m, 8).activated_experts));
    CHECK(g.activated_experts == doctest::Approx(uniform_activated_experts(t, 64, 8)));
  }
}

TEST_CASE("grouped routing rejects group counts that do not divide K and E") {
  // K = 8 is not divisible by 3 groups.
  CHECK_THROWS_WITH_AS((void)make("grouped")->load(4, moe(48, 8, 3), 3),
                       "grouped routing needs top_k and experts divisible by the number of "
                       "groups (3)",
                       ConfigError);
}

TEST_CASE("skewed routing with exponent 0 is uniform routing") {
  // p_j ~ 1/j^0 = 1 for every expert: pi_j = K/E, whatever the placement permutation.
  const auto skewed = make("skewed", one("exponent", 0.0));
  const auto uniform = make("uniform");
  const MoeDims m = moe(64, 8);
  for (int ep : {1, 2, 4, 8}) {
    for (double t : {1.0, 4.0, 32.0}) {
      CAPTURE(ep);
      CAPTURE(t);
      check_same_load(skewed->load(t, m, ep), uniform->load(t, m, ep));
    }
  }
}

TEST_CASE("skewed routing with a large exponent activates fewer experts than uniform") {
  // Popular experts absorb most selections, so the union over t tokens is smaller than N(t).
  const auto skewed = make("skewed", one("exponent", 2.0));
  const auto uniform = make("uniform");
  const MoeDims m = moe(64, 8);
  for (double t : {4.0, 16.0, 64.0}) {
    CAPTURE(t);
    CHECK(skewed->load(t, m, 8).activated_experts < uniform->load(t, m, 8).activated_experts);
    // Same number of pairs in total (t*K), but a busier busiest rank.
    CHECK(skewed->load(t, m, 8).mean_device_assignments == doctest::Approx(t));
    CHECK(skewed->load(t, m, 8).max_device_assignments >
          uniform->load(t, m, 8).max_device_assignments);
  }
}

TEST_CASE("correlated routing: union_factor 1 is uniform, 0.5 activates fewer") {
  // t_eff = 1 + (t - 1) * u: with u = 1, t_eff = t (uniform).
  const auto same = make("correlated", one("union_factor", 1.0));
  const auto half = make("correlated", one("union_factor", 0.5));
  const auto uniform = make("uniform");
  const MoeDims m = moe(64, 8);
  for (int ep : {1, 8}) {
    for (double t : {1.0, 4.0, 32.0}) {
      check_same_load(same->load(t, m, ep), uniform->load(t, m, ep));
    }
  }
  // u = 0.5, t = 9: t_eff = 1 + 8 * 0.5 = 5, so activated = N(5) < N(9); pairs stay t*K.
  const ExpertLoad l = half->load(9, m, 8);
  CHECK(l.activated_experts == doctest::Approx(uniform_activated_experts(5, 64, 8)));
  CHECK(l.activated_experts < uniform_activated_experts(9, 64, 8));
  CHECK(l.mean_device_assignments == doctest::Approx(9.0));
  // One token has nothing to share with: t = 1 gives N(1) = K.
  CHECK(half->load(1, m, 8).activated_experts == doctest::Approx(8.0));
}

TEST_CASE("measured routing: a table of the wrong length throws ConfigError") {
  const auto r = make("measured", one("frequencies", std::vector<double>(10, 1.0)));
  CHECK_THROWS_WITH_AS((void)r->load(4, moe(64, 8), 1),
                       "measured routing: frequency table has 10 entries but the model has 64 "
                       "routed experts",
                       ConfigError);
}

TEST_CASE("measured routing with equal frequencies is uniform routing") {
  const auto r = make("measured", one("frequencies", std::vector<double>(64, 3.0)));
  for (double t : {1.0, 4.0, 16.0}) {
    check_same_load(r->load(t, moe(64, 8), 4), make("uniform")->load(t, moe(64, 8), 4));
  }
}

TEST_CASE("selection_probabilities sums to K with none above 1") {
  // Zipf weights 1/j^2: the raw share of expert 1 is 8 * 1/1.6 ~ 4.9 > 1, so water-filling
  // must pin it (and a few more) at 1 and rescale the rest to keep the sum at K = 8.
  std::vector<double> w(64);
  for (int j = 0; j < 64; ++j) w[j] = 1.0 / ((j + 1.0) * (j + 1.0));
  const auto pi = selection_probabilities(w, 8);
  REQUIRE(pi.size() == 64);
  CHECK(std::accumulate(pi.begin(), pi.end(), 0.0) == doctest::Approx(8.0));
  for (double p : pi) {
    CHECK(p <= 1.0 + 1e-12);
    CHECK(p >= 0.0);
  }
  CHECK(pi[0] == doctest::Approx(1.0));
  // Order is kept: a more popular expert is never less likely.
  for (int j = 1; j < 64; ++j) CHECK(pi[j] <= pi[j - 1] + 1e-12);
  // Equal weights: pi_j = K/E = 8/64 = 0.125.
  for (double p : selection_probabilities(std::vector<double>(64, 2.0), 8)) {
    CHECK(p == doctest::Approx(0.125));
  }
}

TEST_CASE("expected_max_standard_normal") {
  // n = 1: the maximum of one variable is the variable, mean 0.
  CHECK(expected_max_standard_normal(1) == 0.0);
  // n = 2: max(X, Y) = (X + Y + |X - Y|)/2 and X - Y ~ N(0, 2), so
  // E[max] = E|X - Y| / 2 = sqrt(2) * sqrt(2/pi) / 2 = 1/sqrt(pi) = 0.5642.
  CHECK(std::fabs(expected_max_standard_normal(2) - 1.0 / std::sqrt(std::numbers::pi)) < 0.02);
  // Grows with n.
  double prev = 0.0;
  for (int n : {2, 4, 8, 16, 64}) {
    CHECK(expected_max_standard_normal(n) > prev);
    prev = expected_max_standard_normal(n);
  }
}
