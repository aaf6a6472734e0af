// Steps of instances whose attention data-parallel ranks bring their own batches
// (StepCostCalculator::evaluate_ranks): ranks meet at the MoE layers, so the step is the slowest
// rank's own ops plus the routed experts and all-to-all over the union of the ranks' tokens.
#include <doctest/doctest.h>

#include <stdexcept>
#include <vector>

#include "models/step_cost.hpp"
#include "tests/models/step_fixtures.hpp"

using namespace moesim;
using moesim::test::calculator;
using moesim::test::hardware;
using moesim::test::small_moe;

namespace {

Parallel dp2_ep2() {
  Parallel p;
  p.dp = 2;
  p.ep = 2;
  return p;
}

// Sums of one step's rank-local ops (attention, router, shared experts, norms, LM head, ...)
// and of its ops over every rank's tokens (routed experts, dispatch, combine).
struct Parts {
  double local = 0;
  double shared = 0;
};

Parts parts_of(const StepCost& s) {
  Parts p;
  for (const auto& o : s.ops) (op_is_rank_local(o.op) ? p.local : p.shared) += o.total().value();
  return p;
}

}  // namespace

TEST_CASE("op_is_rank_local: only routed experts, dispatch and combine span the ranks") {
  const StepCost s = calculator(small_moe(), hardware(), dp2_ep2()).evaluate(BatchShape::decode(8, 1, 512));
  int shared = 0;
  for (const auto& o : s.ops) shared += op_is_rank_local(o.op) ? 0 : 1;
  CHECK(shared == 3);  // routed_experts, ep_dispatch, ep_combine
}

TEST_CASE("identical DP ranks price as the pooled even split") {
  // Pooled, 16 sequences over dp = 2 give each rank 8: the same rank-local ops as two ranks of 8
  // each, and the MoE part sees the same 16 tokens.
  const auto calc = calculator(small_moe(), hardware(), dp2_ep2());
  const BatchShape eight = BatchShape::decode(8, 1, 1024);
  const StepCost ranks = calc.evaluate_ranks({eight, eight});
  const StepCost pooled = calc.evaluate(BatchShape::decode(16, 1, 1024));
  CHECK(ranks.total.value() == doctest::Approx(pooled.total.value()).epsilon(1e-12));
  CHECK(ranks.rank_local[0] == ranks.rank_local[1]);
  CHECK(ranks.slowest_rank == 0);  // a tie goes to the lowest rank
}

TEST_CASE("two DP ranks with one idle finish the step with the busy one") {
  // Rank 0 decodes 8 sequences, rank 1 has nothing and runs the MoE layers with an empty batch.
  // The step = rank 0's own ops for its 8 sequences (what a pooled step of 16 gives each rank)
  // + routed experts and all-to-all for the 8 tokens of the union (those of a pooled step of 8).
  const auto calc = calculator(small_moe(), hardware(), dp2_ep2());
  const BatchShape eight = BatchShape::decode(8, 1, 1024);
  const StepCost idle = calc.evaluate_ranks({eight, BatchShape{}});
  const double expected = parts_of(calc.evaluate(BatchShape::decode(16, 1, 1024))).local +
                          parts_of(calc.evaluate(eight)).shared;
  CHECK(idle.total.value() == doctest::Approx(expected).epsilon(1e-12));
  CHECK(idle.slowest_rank == 0);
  CHECK(idle.rank_local[1].value() == 0.0);
  CHECK(idle.rank_local[0].value() == doctest::Approx(parts_of(idle).local).epsilon(1e-12));
  // The idle rank in slot 0 instead: same step.
  CHECK(calc.evaluate_ranks({BatchShape{}, eight}).total.value() ==
        doctest::Approx(idle.total.value()).epsilon(1e-12));
  CHECK(calc.evaluate_ranks({BatchShape{}, eight}).slowest_rank == 1);
  // Pooling the 8 sequences would spread their attention over both ranks: a shorter step.
  CHECK(calc.evaluate(eight).total < idle.total);
  // The busy rank's own work sets the step: more work on the other rank, up to as much, does not
  // change the rank-local part.
  const StepCost both = calc.evaluate_ranks({eight, BatchShape::decode(4, 1, 1024)});
  CHECK(parts_of(both).local == doctest::Approx(parts_of(idle).local).epsilon(1e-12));
  CHECK(both.slowest_rank == 0);
}

TEST_CASE("the slowest rank is the one with the most attention work, not the most tokens") {
  // Rank 0: 4 decodes over 32k tokens of context; rank 1: 6 decodes over 64 tokens. Reading 4 x
  // 32k KV entries per layer takes far longer than the two extra GEMM rows.
  const auto calc = calculator(small_moe(), hardware(), dp2_ep2());
  const StepCost s = calc.evaluate_ranks({BatchShape::decode(4, 1, 32768), BatchShape::decode(6, 1, 64)});
  CHECK(s.slowest_rank == 0);
  CHECK(s.rank_local[0] > s.rank_local[1]);
}

TEST_CASE("evaluate_ranks needs one batch per DP rank") {
  const auto calc = calculator(small_moe(), hardware(), dp2_ep2());
  CHECK_THROWS_WITH_AS((void)calc.evaluate_ranks({BatchShape::decode(1, 1, 8)}),
                       "evaluate_ranks: 1 batches for dp=2", std::invalid_argument);
  CHECK(calc.evaluate_ranks({BatchShape{}, BatchShape{}}).total.value() == 0.0);
}
