// The step calculator on hand-built models: which operators a forward pass has, monotonicity in
// batch and bandwidth, and the reductions EP=1/TP=1 (no communication) and E=K=1 MoE = dense.
#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "models/collective_model.hpp"
#include "models/cost_model.hpp"
#include "models/routing_model.hpp"
#include "models/step_cost.hpp"
#include "tests/models/step_fixtures.hpp"

using namespace moesim;
using moesim::test::calculator;
using moesim::test::hardware;
using moesim::test::small_dense;
using moesim::test::small_moe;

namespace {

std::vector<std::string> op_names_of(const StepCost& s) {
  std::vector<std::string> out;
  for (const auto& p : s.ops) out.emplace_back(p.op.name);
  return out;
}

bool has_op(const StepCost& s, const char* name) {
  for (const auto& p : s.ops) {
    if (std::strcmp(p.op.name, name) == 0) return true;
  }
  return false;
}

int communication_ops(const StepCost& s) {
  int n = 0;
  for (const auto& p : s.ops) n += p.op.collective != Collective::kNone ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("an MoE with shared experts has router, shared and routed expert ops") {
  const auto calc = calculator(small_moe(), hardware());
  const StepCost s = calc.evaluate(BatchShape::decode(8, 1, 1024));
  CAPTURE(op_names_of(s));
  CHECK(has_op(s, op_names::kRoutedExperts));
  CHECK(has_op(s, op_names::kSharedExperts));
  CHECK(has_op(s, op_names::kRouter));
  CHECK_FALSE(has_op(s, op_names::kDenseFfn));  // no first_dense_layers
  CHECK(has_op(s, op_names::kAttnCore));
  CHECK(has_op(s, op_names::kLmHead));
  // The total is the sum of every op's time times its repeat.
  Seconds sum{0};
  for (const auto& p : s.ops) sum += p.total();
  CHECK(s.total.value() == doctest::Approx(sum.value()).epsilon(1e-12).scale(0));
  // 8 tokens, top-2 of 16: N(8) = 16 (1 - (7/8)^8) = 10.50 experts activated.
  CHECK(s.expert_load.activated_experts == doctest::Approx(uniform_activated_experts(8, 16, 2)));
}

TEST_CASE("first_dense_layers adds a dense FFN next to the MoE layers") {
  ModelArch m = small_moe();
  m.moe.first_dense_layers = 1;
  const StepCost s = calculator(m, hardware()).evaluate(BatchShape::decode(4, 1, 512));
  CHECK(has_op(s, op_names::kDenseFfn));
  CHECK(has_op(s, op_names::kRoutedExperts));
  for (const auto& p : s.ops) {
    if (std::strcmp(p.op.name, op_names::kDenseFfn) == 0) CHECK(p.op.repeat == 1);
    if (std::strcmp(p.op.name, op_names::kRoutedExperts) == 0) CHECK(p.op.repeat == 3);
  }
}

TEST_CASE("a dense model has no routed experts, router or shared experts") {
  const StepCost s = calculator(small_dense(2816), hardware()).evaluate(BatchShape::decode(8, 1, 1024));
  CAPTURE(op_names_of(s));
  CHECK(has_op(s, op_names::kDenseFfn));
  CHECK_FALSE(has_op(s, op_names::kRoutedExperts));
  CHECK_FALSE(has_op(s, op_names::kSharedExperts));
  CHECK_FALSE(has_op(s, op_names::kRouter));
  CHECK(s.expert_load.activated_experts == 0.0);
}

TEST_CASE("step time increases with batch (MoE and dense)") {
  for (const ModelArch& m : {small_moe(), small_dense(2816)}) {
    CAPTURE(m.name);
    const auto calc = calculator(m, hardware());
    Seconds prev{0};
    for (std::int64_t b : {1, 2, 4, 8, 16, 32, 64, 128, 256, 512}) {
      CAPTURE(b);
      const Seconds t = calc.time(BatchShape::decode(b, 1, 1024));
      CHECK(t > prev);
      prev = t;
    }
  }
}

TEST_CASE("an empty batch costs nothing") {
  CHECK(calculator(small_moe(), hardware()).time(BatchShape{}).value() == 0.0);
}

TEST_CASE("more memory bandwidth is never slower") {
  Hardware fast = hardware();
  fast.memory_bandwidth = BytesPerSec(4e12);
  const auto slow_calc = calculator(small_moe(), hardware());
  const auto fast_calc = calculator(small_moe(), fast);
  for (std::int64_t b : {1, 16, 256, 2048}) {
    const BatchShape batch = BatchShape::decode(b, 4, 2048);
    CHECK(fast_calc.time(batch) <= slow_calc.time(batch));
  }
}

TEST_CASE("E = K = 1 MoE equals the dense model with the same FFN size") {
  // One expert, top-1, no shared experts: every token goes to the one expert, so the routed
  // expert GEMM has M = t tokens against 3 H I weights: the dense FFN's FLOPs (2*3*H*I*t) and
  // bytes (3 H I w + activations). The only extra op is the router, a t x 1 x H GEMM
  // (~2 KB of weights against the FFN's 17 MB). Launch overhead is 0 so that the router's
  // launch does not count, and grouped-GEMM efficiencies equal the GEMM ones so that both FFNs
  // run at the same rates: then the step times agree within 1%.
  const int inter = 2816;
  ModelArch moe = small_dense(inter);
  moe.name = "e1k1";
  moe.moe.experts = 1;
  moe.moe.top_k = 1;
  moe.moe.expert_intermediate = inter;
  Hardware hw = hardware();
  hw.launch_overhead = Seconds(0);
  hw.efficiency.grouped_gemm_compute = hw.efficiency.gemm_compute;
  hw.efficiency.grouped_gemm_memory = hw.efficiency.gemm_memory;
  const auto moe_calc = calculator(moe, hw);
  const auto dense_calc = calculator(small_dense(inter), hw);
  for (std::int64_t b : {1, 8, 64, 512, 4096}) {
    CAPTURE(b);
    const BatchShape batch = BatchShape::decode(b, 1, 1024);
    const StepCost m = moe_calc.evaluate(batch);
    const StepCost d = dense_calc.evaluate(batch);
    // Routing of E=K=1 activates exactly the one expert and gives it all b pairs.
    CHECK(m.expert_load.activated_experts == doctest::Approx(1.0));
    CHECK(m.expert_load.max_device_assignments == doctest::Approx(double(b)));
    CHECK(m.time_of(op_names::kRoutedExperts).value() ==
          doctest::Approx(d.time_of(op_names::kDenseFfn).value()).epsilon(1e-9).scale(0));
    CHECK(m.total.value() == doctest::Approx(d.total.value()).epsilon(0.01).scale(0));
  }
}

TEST_CASE("EP = 1 with TP = 1 has no communication ops") {
  const StepCost s = calculator(small_moe(), hardware()).evaluate(BatchShape::decode(32, 1, 1024));
  CHECK(communication_ops(s) == 0);
  CHECK_FALSE(has_op(s, op_names::kDispatch));
  CHECK_FALSE(has_op(s, op_names::kTpAttn));
}

TEST_CASE("TP > 1 adds all-reduces - EP > 1 adds dispatch and combine") {
  Parallel tp2;
  tp2.tp = 2;
  const StepCost t = calculator(small_moe(), hardware(), tp2).evaluate(BatchShape::decode(32, 1, 1024));
  CHECK(has_op(t, op_names::kTpAttn));
  CHECK(has_op(t, op_names::kTpMoe));
  CHECK_FALSE(has_op(t, op_names::kDispatch));

  Parallel ep2;
  ep2.dp = 2;
  ep2.ep = 2;
  const StepCost e = calculator(small_moe(), hardware(), ep2).evaluate(BatchShape::decode(32, 1, 1024));
  CHECK(has_op(e, op_names::kDispatch));
  CHECK(has_op(e, op_names::kCombine));
  CHECK_FALSE(has_op(e, op_names::kTpAttn));  // attention is data-parallel, tp = 1
  for (const auto& p : e.ops) {
    if (p.op.collective != Collective::kNone) CHECK(p.time.value() > 0.0);
  }
}

TEST_CASE("a layout that does not divide the model throws ConfigError") {
  Parallel bad;
  bad.tp = 3;  // 8 heads
  CHECK_THROWS_WITH_AS((void)calculator(small_moe(), hardware(), bad).time(BatchShape::decode(1, 1, 8)),
                       "tp=3 does not divide 8 attention heads", ConfigError);
  Parallel ep3;
  ep3.dp = 3;
  ep3.ep = 3;  // 16 experts
  CHECK_THROWS_WITH_AS((void)calculator(small_moe(), hardware(), ep3).time(BatchShape::decode(3, 1, 8)),
                       "ep=3 does not divide 16 routed experts", ConfigError);
}

TEST_CASE("routing and KV-write operators move the bytes of their formulas") {
  // small_moe: H 1024, 8 heads, 2 KV heads of 128, 16 experts, top-2, bf16 everywhere, 4 layers.
  // 8 decode tokens on one device:
  //   moe_topk      8 x (16 x 2 + 2 x 8)              = 384 B
  //   moe_permute   8 x 2 x (8 + 2 x 1024 x 2)        = 65,664 B
  //   moe_unpermute 8 x (3 x 1024 x 2) + 8 x 2 x 4    = 49,216 B
  //   attn_kv_write 2 x 8 x (2 x 2 x 128 x 2 + (8 + 2) x 128 x 2) = 57,344 B
  // and with TP 2 the KV write covers 1 KV head and 4 + 1 rotated heads: 2 x 8 x (512 + 1280).
  const auto bytes_of = [](const StepCost& s, const char* name) {
    for (const auto& p : s.ops) {
      if (std::strcmp(p.op.name, name) == 0) {
        CHECK(p.op.repeat == 4.0);
        CHECK(p.op.op_class == OpClass::kElementwise);
        return p.op.bytes.value();
      }
    }
    FAIL("no op " << name);
    return 0.0;
  };
  const StepCost s = calculator(small_moe(), hardware()).evaluate(BatchShape::decode(8, 1, 1024));
  CHECK(bytes_of(s, op_names::kTopK) == 384.0);
  CHECK(bytes_of(s, op_names::kPermute) == 65664.0);
  CHECK(bytes_of(s, op_names::kUnpermute) == 49216.0);
  CHECK(bytes_of(s, op_names::kKvWrite) == 57344.0);
  Parallel tp2;
  tp2.tp = 2;
  const StepCost s2 =
      calculator(small_moe(), hardware(), tp2).evaluate(BatchShape::decode(8, 1, 1024));
  CHECK(bytes_of(s2, op_names::kKvWrite) == 2.0 * 8 * (512 + 1280));
  // A dense model has the KV write but none of the routing operators.
  const StepCost d = calculator(small_dense(2816), hardware()).evaluate(BatchShape::decode(8, 1, 1024));
  CHECK(has_op(d, op_names::kKvWrite));
  CHECK_FALSE(has_op(d, op_names::kTopK));
  CHECK_FALSE(has_op(d, op_names::kPermute));
}
