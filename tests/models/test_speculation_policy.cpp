// Speculation policies (models/speculation_policy.hpp): the choice of draft length on analytic
// rate curves.
#include <doctest/doctest.h>

#include "models/params.hpp"
#include "models/speculation_policy.hpp"

using namespace moesim;

TEST_CASE("best_draft_length: the highest rate, the shortest draft on ties") {
  // rate(g) = g (4 - g): 0, 3, 4, 3, 0 -> 2.
  CHECK(best_draft_length(0, 4, [](int g) { return double(g * (4 - g)); }) == 2);
  // Flat: every g ties -> the lowest.
  CHECK(best_draft_length(0, 4, [](int) { return 1.0; }) == 0);
  CHECK(best_draft_length(1, 4, [](int) { return 1.0; }) == 1);
  // Rising: the longest.
  CHECK(best_draft_length(0, 5, [](int g) { return double(g); }) == 5);
  CHECK(best_draft_length(3, 3, [](int g) { return double(g); }) == 3);
}

TEST_CASE("fixed drafts gamma without pricing - adaptive prices from min_gamma to gamma") {
  const auto fixed = speculation_policies().create("fixed", {});
  CHECK_FALSE(fixed->prices_candidates());
  CHECK(fixed->choose(4, [](int) -> double { throw 1; }) == 4);  // never priced
  const auto adaptive = speculation_policies().create("adaptive", {});
  CHECK(adaptive->prices_candidates());
  // Speculation loses at this batch: rate falls with g -> 0 (speculation off for the step).
  CHECK(adaptive->choose(4, [](int g) { return 100.0 - g; }) == 0);
  // MoESD's medium batch: tau(g) / cost(g) peaks at g = 2 for alpha 0.8 and a step that grows by
  // 30% per extra token: tau = 1, 1.8, 2.44, 2.952, 3.3616; cost = 1, 1.3, 1.6, 1.9, 2.2 ->
  // rates 1, 1.385, 1.525, 1.554, 1.528 -> 3.
  const double tau[] = {1, 1.8, 2.44, 2.952, 3.3616};
  CHECK(adaptive->choose(4, [&](int g) { return tau[g] / (1.0 + 0.3 * g); }) == 3);
  ParamSet p;
  p.set("min_gamma", ParamValue(std::int64_t(2)));
  const auto at_least_2 = speculation_policies().create("adaptive", p);
  CHECK(at_least_2->choose(4, [](int g) { return 100.0 - g; }) == 2);
  // min_gamma above gamma: gamma.
  CHECK(at_least_2->choose(1, [](int g) { return 100.0 - g; }) == 1);
}
