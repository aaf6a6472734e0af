// The roofline cost model, KV-cache bytes per attention kind, weights per device under EP, and
// the closed-form link collective model.
#include <doctest/doctest.h>

#include <cmath>

#include "models/collective_model.hpp"
#include "models/cost_model.hpp"
#include "models/memory.hpp"
#include "models/model_arch.hpp"

using namespace moesim;

namespace {

doctest::Approx rel(double x, double e = 1e-12) { return doctest::Approx(x).epsilon(e).scale(0); }

// 1000 TFLOP/s bf16, 2 TB/s, every efficiency 1, no launch overhead: a pure roofline.
Hardware ideal_hardware() {
  Hardware hw;
  hw.name = "ideal";
  hw.peak[DType::kBf16] = FlopsPerSec(1000e12);
  hw.memory_bandwidth = BytesPerSec(2e12);
  hw.memory_capacity = Bytes(80e9);
  Efficiency& e = hw.efficiency;
  e.gemm_compute = e.gemm_memory = e.grouped_gemm_compute = e.grouped_gemm_memory = 1.0;
  e.attention_compute = e.attention_memory = e.elementwise_memory = e.communication = 1.0;
  hw.launch_overhead = Seconds(0);
  return hw;
}

constexpr double kN = 16384, kK = 16384;

// M tokens through an N x K bf16 weight: FLOPs 2MNK; bytes = weights N*K*2 + input M*K*2 +
// output M*N*2 (docs/equations.md "GEMM M x N x K").
Op gemm_op(double m) {
  Op op;
  op.name = "test_gemm";
  op.op_class = OpClass::kGemm;
  op.dtype = DType::kBf16;
  op.flops = Flops(2.0 * m * kN * kK);
  op.bytes = Bytes(kN * kK * 2.0 + m * kK * 2.0 + m * kN * 2.0);
  op.m = m;
  op.n = kN;
  op.k = kK;
  return op;
}

}  // namespace

TEST_CASE("roofline: time = max(flops / peak, bytes / bandwidth)") {
  const Hardware hw = ideal_hardware();
  // M = 1: flops = 2 * 16384^2 = 536870912 -> 5.36870912e-7 s at 1e15 FLOP/s;
  // bytes = 2 * 16384^2 + 2 * 16384 * 2 = 536936448 -> 2.68468224e-4 s at 2e12 B/s.
  const OpTime t1 = roofline_time(gemm_op(1), hw);
  CHECK(t1.time.value() == rel(536936448.0 / 2e12));
  CHECK_FALSE(t1.compute_bound);
  // M = 4096: flops = 2 * 4096 * 16384^2 = 2.19902e12 -> 2.19902e-3 s;
  // bytes = 536870912 + 4096 * 65536 = 805306368 -> 4.02653e-4 s: compute wins.
  const OpTime t2 = roofline_time(gemm_op(4096), hw);
  CHECK(t2.time.value() == rel(2.0 * 4096 * kN * kK / 1000e12));
  CHECK(t2.compute_bound);
  // The registered "roofline" plug-in prices exactly the same.
  const auto model = cost_models().create("roofline", {});
  for (double m : {1.0, 64.0, 500.0, 4096.0}) {
    const Op op = gemm_op(m);
    CHECK(model->time(op, hw).time.value() ==
          rel(std::max(op.flops.value() / 1000e12, op.bytes.value() / 2e12)));
  }
}

TEST_CASE("roofline: memory-bound below the crossover M*, compute-bound above") {
  // Weights only: 2 M N K / P = N K w / bw  =>  M0 = P/bw * w/2 = 500 * 2/2 = 500 for bf16.
  // With activations (2M(N+K) bytes): 2MNK/P = (2NK + 2M(N+K))/bw
  //   => M* = (P/bw) / (1 - (P/bw)(1/N + 1/K)) = 500 / (1 - 1000/16384) = 8192000/15384
  //   = 532.50: M = 532 is still memory-bound, M = 533 compute-bound.
  const Hardware hw = ideal_hardware();
  const double ratio = 1000e12 / 2e12;
  const double m0 = ratio * dtype_bytes(DType::kBf16) / 2.0;
  CHECK(m0 == doctest::Approx(500.0));
  const double m_star = ratio / (1.0 - ratio * (1.0 / kN + 1.0 / kK));
  CHECK(m_star == doctest::Approx(8192000.0 / 15384.0).epsilon(1e-12));
  CHECK_FALSE(roofline_time(gemm_op(532), hw).compute_bound);
  CHECK(roofline_time(gemm_op(533), hw).compute_bound);
  for (double m : {1.0, 16.0, 128.0, 250.0, 500.0}) CHECK_FALSE(roofline_time(gemm_op(m), hw).compute_bound);
  for (double m : {1000.0, 2048.0, 8192.0}) CHECK(roofline_time(gemm_op(m), hw).compute_bound);
  // Below M* the time barely moves with M (weights dominate); above, it is linear in M:
  // T(2M) = 2 T(M) for compute-bound M.
  CHECK(roofline_time(gemm_op(2048), hw).time.value() ==
        rel(2.0 * roofline_time(gemm_op(1024), hw).time.value()));
}

TEST_CASE("roofline: efficiencies scale the rates - launch overhead adds") {
  Hardware hw = ideal_hardware();
  hw.efficiency.gemm_memory = 0.8;
  hw.launch_overhead = Seconds(3e-6);
  // M = 1: bytes / (0.8 * 2e12) + 3 us.
  CHECK(roofline_time(gemm_op(1), hw).time.value() == rel(536936448.0 / 1.6e12 + 3e-6));
  // More bandwidth is never slower.
  Hardware fast = hw;
  fast.memory_bandwidth = BytesPerSec(4e12);
  for (double m : {1.0, 256.0, 4096.0}) {
    CHECK(roofline_time(gemm_op(m), fast).time <= roofline_time(gemm_op(m), hw).time);
  }
  // A dtype without its own peak runs at the bf16 rate.
  CHECK(hw.peak_for(DType::kInt8).value() == 1000e12);
}

TEST_CASE("KV bytes per token per layer: MLA versus GQA") {
  // DeepSeek-V3-like MLA: (kv_lora_rank + rope_dim) * 2 B = (512 + 64) * 2 = 1152 B.
  ModelArch mla;
  mla.attention = AttentionKind::kMla;
  mla.layers = 61;
  mla.mla.kv_lora_rank = 512;
  mla.mla.qk_rope_head_dim = 64;
  mla.precision.kv_cache = DType::kBf16;
  CHECK(mla.kv_bytes_per_token_layer().value() == 1152.0);
  CHECK(mla.kv_bytes_per_token().value() == 1152.0 * 61);  // 70272 B per token
  // Llama-3-70B-like GQA: 2 (K and V) * 8 kv heads * 128 head_dim * 2 B = 4096 B.
  ModelArch gqa;
  gqa.attention = AttentionKind::kGqa;
  gqa.layers = 80;
  gqa.kv_heads = 8;
  gqa.head_dim = 128;
  gqa.precision.kv_cache = DType::kBf16;
  CHECK(gqa.kv_bytes_per_token_layer().value() == 4096.0);
  // Per layer, GQA stores 4096 / 1152 = 3.556x what MLA stores.
  CHECK(gqa.kv_bytes_per_token_layer() / mla.kv_bytes_per_token_layer() ==
        doctest::Approx(32.0 / 9.0));
  // An fp8 KV cache halves both.
  gqa.precision.kv_cache = DType::kFp8;
  CHECK(gqa.kv_bytes_per_token_layer().value() == 2048.0);
}

TEST_CASE("weights per device: doubling ep (and devices) halves routed-expert bytes") {
  // Routed experts spread over all devices of the instance; with tp = 1 everything else is
  // replicated. So W(ep) = base + R/ep, with R = 3 H I * E * moe_layers * 2 B:
  //   W(4) - W(8) = R/4 - R/8 = R/8.
  ModelArch m;
  m.layers = 4;
  m.hidden = 1024;
  m.heads = 8;
  m.kv_heads = 8;
  m.head_dim = 128;
  m.vocab = 1000;
  m.moe.experts = 16;
  m.moe.top_k = 2;
  m.moe.expert_intermediate = 512;
  m.moe.shared_experts = 1;
  m.moe.shared_expert_intermediate = 512;
  const double routed = 3.0 * 1024 * 512 * 16 * 4 * 2.0;  // 201326592 B
  Parallel p4, p8;
  p4.dp = p4.ep = 4;
  p8.dp = p8.ep = 8;
  const double w4 = weights_per_device(m, p4).value();
  const double w8 = weights_per_device(m, p8).value();
  CHECK(w4 - w8 == rel(routed / 8.0));
  Parallel p1;
  const double w1 = weights_per_device(m, p1).value();
  CHECK(w1 == rel(m.weight_bytes().value()));  // one device holds everything
  CHECK(w1 - w4 == rel(routed * 3.0 / 4.0));
}

namespace {

// Scale-up: 400 GB/s, 2 us, 8-device domain; scale-out: 50 GB/s, 5 us; eta = 0.8.
Hardware link_hardware() {
  Hardware hw = ideal_hardware();
  hw.scale_up = LinkSpec{BytesPerSec(400e9), Seconds(2e-6), 8};
  hw.scale_out = LinkSpec{BytesPerSec(50e9), Seconds(5e-6), 1};
  hw.efficiency.communication = 0.8;
  return hw;
}

Op collective(Collective c, double bytes, int group) {
  return collective_op(c, Bytes(bytes), group);
}

}  // namespace

TEST_CASE("ring all-reduce: 2(n-1)/n * S/(bw*eta) + 2(n-1) * latency") {
  const LinkCollectiveModel model(link_hardware(), 8);
  const double s = 64.0 * 1048576;  // 64 MiB
  // n = 8 inside the domain: 2*7/8 * S / (400e9*0.8) + 14 * 2us = 367.0 us + 28 us.
  CHECK(model.time(collective(Collective::kAllReduce, s, 8)).value() ==
        rel(2.0 * 7 / 8 * s / 320e9 + 14 * 2e-6));
  // n = 2: 2*1/2 * S / 320e9 + 2 * 2us.
  CHECK(model.time(collective(Collective::kAllReduce, s, 2)).value() ==
        rel(s / 320e9 + 2 * 2e-6));
  // n = 16 spans two domains: the ring runs at scale-out speed, 2*15/16 * S/(50e9*0.8) + 30*5us.
  CHECK(model.time(collective(Collective::kAllReduce, s, 16)).value() ==
        rel(2.0 * 15 / 16 * s / 40e9 + 30 * 5e-6));
  // One device or an empty buffer costs nothing.
  CHECK(model.time(collective(Collective::kAllReduce, s, 1)).value() == 0.0);
  CHECK(model.time(collective(Collective::kAllReduce, 0, 8)).value() == 0.0);
  // All-gather of the full buffer: (n-1)/n * S/(bw*eta) + (n-1) * latency.
  CHECK(model.time(collective(Collective::kAllGather, s, 8)).value() ==
        rel(7.0 / 8 * s / 320e9 + 7 * 2e-6));
}

TEST_CASE("all-to-all: S/(bw*eta) + latency inside a domain - scale-out beyond it") {
  const LinkCollectiveModel model(link_hardware(), 8);
  const double s = 8.0 * 1048576;  // bytes one device sends to its peers
  const Seconds inside = model.time(collective(Collective::kAllToAll, s, 8));
  CHECK(inside.value() == rel(s / 320e9 + 2e-6));
  // n = 16 over 8-device domains: 7/15 of S over scale-up, 8/15 over scale-out; the slower
  // side sets the time: max(7/15 S / 400e9, 8/15 S / 50e9) / 0.8 + 5 us.
  const Seconds across = model.time(collective(Collective::kAllToAll, s, 16));
  CHECK(across.value() == rel(8.0 / 15 * s / 50e9 / 0.8 + 5e-6));
  CHECK(across > inside);
  // devices_per_node = 4 shrinks the domain: a group of 8 now crosses scale-out links.
  const LinkCollectiveModel small(link_hardware(), 4);
  const Seconds cross8 = small.time(collective(Collective::kAllToAll, s, 8));
  CHECK(cross8.value() == rel(4.0 / 7 * s / 50e9 / 0.8 + 5e-6));
  CHECK(cross8 > inside);
}
