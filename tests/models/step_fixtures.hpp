// Shared by the step tests: a small hand-built MoE (and its dense counterpart), a round-number
// accelerator, and a roofline step calculator over them.
#pragma once

#include <memory>

#include "models/collective_model.hpp"
#include "models/cost_model.hpp"
#include "models/routing_model.hpp"
#include "models/step_cost.hpp"

namespace moesim::test {

// A small GQA transformer; MoE layers with 16 experts, top-2, one shared expert.
inline ModelArch small_moe() {
  ModelArch m;
  m.name = "small-moe";
  m.layers = 4;
  m.hidden = 1024;
  m.heads = 8;
  m.kv_heads = 2;
  m.head_dim = 128;
  m.attention = AttentionKind::kGqa;
  m.ffn_intermediate = 2816;
  m.vocab = 32000;
  m.moe.experts = 16;
  m.moe.top_k = 2;
  m.moe.expert_intermediate = 512;
  m.moe.shared_experts = 1;
  m.moe.shared_expert_intermediate = 1024;
  return m;
}

inline ModelArch small_dense(int ffn) {
  ModelArch m = small_moe();
  m.name = "small-dense";
  m.moe = MoeDims{};
  m.ffn_intermediate = ffn;
  return m;
}

// 1000 TFLOP/s bf16, 2 TB/s, 8-device NVLink-like domain and a slower scale-out link.
inline Hardware hardware() {
  Hardware hw;
  hw.name = "test-accelerator";
  hw.peak[DType::kBf16] = FlopsPerSec(1000e12);
  hw.memory_bandwidth = BytesPerSec(2e12);
  hw.memory_capacity = Bytes(80e9);
  hw.scale_up = LinkSpec{BytesPerSec(400e9), Seconds(2e-6), 8};
  hw.scale_out = LinkSpec{BytesPerSec(50e9), Seconds(5e-6), 1};
  hw.launch_overhead = Seconds(2e-6);
  return hw;
}

inline StepCostCalculator calculator(const ModelArch& m, const Hardware& hw, Parallel par = {}) {
  std::shared_ptr<const CostModel> cost = cost_models().create("roofline", {});
  std::shared_ptr<const RoutingModel> routing = routing_models().create("uniform", {});
  auto links = std::make_shared<LinkCollectiveModel>(hw, par.devices_per_node);
  return StepCostCalculator(m, hw, par, cost, m.is_moe() ? routing : nullptr, links);
}

}  // namespace moesim::test
