// Two-micro-batch overlap of communication with compute.
#include <doctest/doctest.h>

#include <algorithm>

#include "models/collective_model.hpp"
#include "models/step_cost.hpp"

using namespace moesim;

TEST_CASE("two-batch overlap replaces C + M by max(C, M) + min(C, M) / 2 over the layers") {
  ModelArch m;
  m.name = "m";
  m.layers = 4;
  m.hidden = 2048;
  m.heads = 16;
  m.kv_heads = 16;
  m.head_dim = 128;
  m.attention = AttentionKind::kMha;
  m.ffn_intermediate = 4096;
  m.moe = {16, 2, 1024, 0, 0, 1, 0};
  m.vocab = 32000;
  Hardware h;
  h.name = "h";
  h.peak[DType::kBf16] = FlopsPerSec(500e12);
  h.memory_bandwidth = BytesPerSec(2e12);
  h.scale_up = {BytesPerSec(50e9), Seconds(5e-6), 8};
  h.scale_out = {BytesPerSec(10e9), Seconds(10e-6), 1};
  Parallel p;
  p.tp = 2;
  p.dp = 2;
  p.ep = 4;
  auto calc = [&](bool overlap) {
    Parallel q = p;
    q.two_batch_overlap = overlap;
    return StepCostCalculator(m, h, q, cost_models().create("roofline", {}),
                              routing_models().create("uniform", {}),
                              std::make_shared<LinkCollectiveModel>(h, 8));
  };
  const BatchShape b = BatchShape::decode(64, 1, 512);
  const StepCost plain = calc(false).evaluate(b);
  const StepCost over = calc(true).evaluate(b);
  double c = 0, mm = 0;
  for (const auto& op : plain.ops) {
    if (op.op.scope != OpScope::kPerLayer) continue;
    (op.op.collective != Collective::kNone ? mm : c) += op.total().value();
  }
  REQUIRE(mm > 0);
  const double expected = plain.total.value() - (c + mm) + std::max(c, mm) + std::min(c, mm) / 2;
  CHECK(over.total.value() == doctest::Approx(expected).epsilon(1e-12));
  CHECK(over.total < plain.total);
  CHECK(over.overlap_saving.value() == doctest::Approx(std::min(c, mm) / 2).epsilon(1e-12));
}
