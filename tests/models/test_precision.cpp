// Precision per tensor: each key changes exactly the operators that read that tensor, by the
// bytes its format saves, and sets the compute dtype of the arithmetic it feeds.
#include <doctest/doctest.h>

#include <cstring>
#include <set>
#include <string>

#include "models/memory.hpp"
#include "models/precision.hpp"
#include "tests/models/step_fixtures.hpp"

using namespace moesim;
using moesim::test::calculator;
using moesim::test::hardware;
using moesim::test::small_moe;

namespace {

// small_moe (4 layers, H 1024, 8 heads / 2 KV heads of 128, E 16 top-2, one shared expert of
// 1024) decoding 8 sequences of q = 1 over 1024 tokens of context: T = 8 tokens and
// 8 x 1025 = 8200 KV entries read per layer.
const BatchShape kBatch = BatchShape::decode(8, 1, 1024);

ModelArch with(PrecisionChoice c, ModelArch m = small_moe()) {
  m.precision = apply_precision(m.precision, c);
  return m;
}

const PricedOp& op_of(const StepCost& s, const char* name) {
  for (const auto& p : s.ops) {
    if (std::strcmp(p.op.name, name) == 0) return p;
  }
  FAIL("no op " << name);
  return s.ops.front();
}

// Names of the ops whose FLOPs, bytes, message or dtype differ between two steps of the same
// op list.
std::set<std::string> changed_ops(const StepCost& a, const StepCost& b) {
  REQUIRE(a.ops.size() == b.ops.size());
  std::set<std::string> out;
  for (std::size_t i = 0; i < a.ops.size(); ++i) {
    const Op& x = a.ops[i].op;
    const Op& y = b.ops[i].op;
    REQUIRE(std::strcmp(x.name, y.name) == 0);
    if (x.flops != y.flops || x.bytes != y.bytes || x.message != y.message || x.dtype != y.dtype)
      out.insert(x.name);
  }
  return out;
}

}  // namespace

TEST_CASE("precision defaults: what follows weights and KV, and the GEMM compute dtype") {
  const Precision bf16;
  // FP8 weights: activations follow (W8A8 fp8), embeddings and LM head stay bf16.
  const Precision fp8 = apply_precision(bf16, {.weights = DType::kFp8});
  CHECK(fp8.activations == DType::kFp8);
  CHECK(fp8.embeddings == DType::kBf16);
  CHECK(fp8.attention == DType::kBf16);
  // int4 weights: activations bf16 (W4A16).
  CHECK(apply_precision(bf16, {.weights = DType::kInt4}).activations == DType::kBf16);
  // fp16 weights: everything at fp16.
  const Precision fp16 = apply_precision(bf16, {.weights = DType::kFp16});
  CHECK(fp16.activations == DType::kFp16);
  CHECK(fp16.embeddings == DType::kFp16);
  // An 8-bit KV cache is read into bf16 arithmetic; a 16-bit one computes in its own format.
  CHECK(apply_precision(bf16, {.kv_cache = DType::kInt8}).attention == DType::kBf16);
  CHECK(apply_precision(bf16, {.kv_cache = DType::kFp16}).attention == DType::kFp16);
  // Written fields win over the ones derived in the same layer, and survive later layers that
  // do not touch what they follow.
  const Precision a8 = apply_precision(bf16, {.kv_cache = DType::kFp8, .attention = DType::kFp8});
  CHECK(a8.attention == DType::kFp8);
  CHECK(apply_precision(a8, {.weights = DType::kInt8}).attention == DType::kFp8);
  // Compute dtype: the wider operand; the activations on a tie.
  CHECK(gemm_compute_dtype(DType::kInt8, DType::kInt8) == DType::kInt8);
  CHECK(gemm_compute_dtype(DType::kFp8, DType::kFp8) == DType::kFp8);
  CHECK(gemm_compute_dtype(DType::kInt8, DType::kBf16) == DType::kBf16);
  CHECK(gemm_compute_dtype(DType::kInt4, DType::kBf16) == DType::kBf16);
  CHECK(gemm_compute_dtype(DType::kBf16, DType::kFp8) == DType::kBf16);
  // int4 stores 0.5 B per weight plus a 2 B scale per 128: 0.515625 B.
  CHECK(weight_element_bytes(DType::kInt4) == 0.515625);
  CHECK(weight_element_bytes(DType::kFp8) == 1.0);
  // Schemes are weights x activations.
  CHECK(parse_precision_scheme("w8a8") == std::pair{DType::kInt8, DType::kInt8});
  CHECK(parse_precision_scheme("w4a16") == std::pair{DType::kInt4, DType::kBf16});
  CHECK(parse_precision_scheme("fp8") == std::pair{DType::kFp8, DType::kFp8});
  CHECK_FALSE(parse_precision_scheme("w4a4"));
}

TEST_CASE("an int8 KV cache halves the KV bytes of the attention core and the KV write, nothing else") {
  // KV per token per layer: 2 (K, V) x 2 heads x 128 x 2 B = 1024 B in bf16, 512 B in int8.
  // attn_core reads 8200 entries: its bytes fall by 8200 x 512 = 4,198,400 B. The query and
  // output traffic (2 x 8 tokens x 8 heads x 128 x 2 B = 32,768 B) stays: attention still
  // computes in bf16. attn_kv_write reads and writes the 8 new tokens' K/V once: 2 x 8 x 512 B
  // less; its rotated queries and keys stay at the attention bytes.
  const ModelArch bf = small_moe();
  const ModelArch i8 = with({.kv_cache = DType::kInt8});
  const StepCost a = calculator(bf, hardware()).evaluate(kBatch);
  const StepCost b = calculator(i8, hardware()).evaluate(kBatch);
  CHECK(changed_ops(a, b) == std::set<std::string>{op_names::kAttnCore, op_names::kKvWrite});
  CHECK(op_of(a, op_names::kKvWrite).op.bytes.value() - op_of(b, op_names::kKvWrite).op.bytes.value() ==
        2.0 * 8 * 512);
  const Op& ca = op_of(a, op_names::kAttnCore).op;
  const Op& cb = op_of(b, op_names::kAttnCore).op;
  const double qo = 32768.0;
  CHECK(ca.bytes.value() == 8200.0 * 1024 + qo);
  CHECK(cb.bytes.value() == 8200.0 * 512 + qo);
  CHECK(cb.dtype == DType::kBf16);
  CHECK(cb.flops == ca.flops);
  // KV memory per token: 4 layers x 1024 B = 4096 B, then 2048 B; weights unchanged.
  CHECK(kv_bytes_per_token_per_device(bf, Parallel{}).value() == 4096.0);
  CHECK(kv_bytes_per_token_per_device(i8, Parallel{}).value() == 2048.0);
  CHECK(weights_per_device(bf, Parallel{}) == weights_per_device(i8, Parallel{}));
}

TEST_CASE("W4A16 changes exactly the linear layers' weight bytes and keeps bf16 arithmetic") {
  // Each linear layer's bytes fall by (2 - 0.515625) B per weight; the embeddings, LM head and
  // router keep 16-bit weights, attention and norms do not read weights.
  const StepCost a = calculator(small_moe(), hardware()).evaluate(kBatch);
  const ModelArch w4 = with({.weights = DType::kInt4});
  CHECK(w4.precision.activations == DType::kBf16);
  const StepCost b = calculator(w4, hardware()).evaluate(kBatch);
  CHECK(changed_ops(a, b) == std::set<std::string>{op_names::kQkvProj, op_names::kOutProj,
                                                   op_names::kSharedExperts,
                                                   op_names::kRoutedExperts});
  const double saved = 2.0 - 0.515625;
  // qkv: (8 + 2 x 2) heads x 128 x 1024 = 1,572,864 weights; out: 1024 x 1024 = 1,048,576;
  // shared expert: 3 x 1024 x 1024 = 3,145,728; routed: activated experts x 3 x 1024 x 512.
  const double routed = op_of(a, op_names::kRoutedExperts).op.n * 3.0 * 1024 * 512;
  const std::pair<const char*, double> weights[] = {{op_names::kQkvProj, 1572864.0},
                                                    {op_names::kOutProj, 1048576.0},
                                                    {op_names::kSharedExperts, 3145728.0},
                                                    {op_names::kRoutedExperts, routed}};
  for (const auto& [name, n] : weights) {
    CAPTURE(name);
    CHECK(op_of(a, name).op.bytes.value() - op_of(b, name).op.bytes.value() ==
          doctest::Approx(n * saved).epsilon(1e-12));
    CHECK(op_of(b, name).op.dtype == DType::kBf16);
  }
  // Memory: the linear layers' weights, 4 layers x (2,621,440 attention + 3,145,728 shared +
  // 16 x 1,572,864 experts) = 123,731,968, shrink by the same factor.
  const double linear = 4.0 * (2621440.0 + 3145728.0 + 16.0 * 1572864.0);
  CHECK(weights_per_device(small_moe(), Parallel{}).value() -
            weights_per_device(w4, Parallel{}).value() ==
        doctest::Approx(linear * saved).epsilon(1e-12));
}

TEST_CASE("W8A8 runs the GEMMs at int8 but not attention, router, norms or sampling") {
  const ModelArch w8 = with({.weights = DType::kInt8});
  CHECK(w8.precision.activations == DType::kInt8);
  Hardware hw = hardware();
  hw.peak[DType::kInt8] = FlopsPerSec(2000e12);
  const StepCost s = calculator(w8, hw).evaluate(kBatch);
  for (const char* gemm : {op_names::kQkvProj, op_names::kOutProj, op_names::kSharedExperts,
                           op_names::kRoutedExperts}) {
    CAPTURE(gemm);
    CHECK(op_of(s, gemm).op.dtype == DType::kInt8);
  }
  CHECK(op_of(s, op_names::kAttnCore).op.dtype == DType::kBf16);
  CHECK(op_of(s, op_names::kRouter).op.dtype == DType::kBf16);
  CHECK(op_of(s, op_names::kLmHead).op.dtype == DType::kBf16);
  CHECK(op_of(s, op_names::kNorms).op.dtype == DType::kBf16);
  CHECK(op_of(s, op_names::kSampling).op.dtype == DType::kFp32);
  // qkv bytes: 1,572,864 weights x 1 B + 8 x 1024 int8 inputs + 8 x 1536 bf16 outputs x 2 B.
  CHECK(op_of(s, op_names::kQkvProj).op.bytes.value() == 1572864.0 + 8192.0 + 24576.0);
  // Norms: 6 x 8 tokens x 1024 x 2 B whatever the scheme.
  CHECK(op_of(s, op_names::kNorms).op.bytes.value() == 98304.0);
  // A compute-bound prefill of the shared expert runs at the int8 peak: twice the bf16 rate.
  const BatchShape big = BatchShape::decode(1, 65536, 0);
  const StepCost p16 = calculator(small_moe(), hw).evaluate(big);
  const StepCost p8 = calculator(w8, hw).evaluate(big);
  REQUIRE(op_of(p16, op_names::kSharedExperts).compute_bound);
  CHECK(
      op_of(p8, op_names::kSharedExperts).time.value() - hw.launch_overhead.value() ==
      doctest::Approx(
          (op_of(p16, op_names::kSharedExperts).time.value() - hw.launch_overhead.value()) / 2.0));
}

TEST_CASE("dispatch fp8 versus bf16: H bytes plus the 512 B scales per token, combine unchanged") {
  // ep = 2 over dp = 2: the busiest rank receives `pairs` token-expert pairs, half of them
  // remote. bf16: pairs x 1024 x 2 B / 2; fp8: pairs x (1024 x 1 B + 512 B) / 2 = 3/4 of it.
  Parallel ep2;
  ep2.dp = 2;
  ep2.ep = 2;
  const StepCost a = calculator(small_moe(), hardware(), ep2).evaluate(kBatch);
  const StepCost b = calculator(with({.dispatch = DType::kFp8}), hardware(), ep2).evaluate(kBatch);
  CHECK(changed_ops(a, b) == std::set<std::string>{op_names::kDispatch});
  const double pairs = a.expert_load.max_device_assignments;
  CHECK(op_of(a, op_names::kDispatch).op.message.value() == doctest::Approx(pairs * 1024.0));
  CHECK(op_of(b, op_names::kDispatch).op.message.value() == doctest::Approx(pairs * 768.0));
  CHECK(op_of(b, op_names::kDispatch).op.dtype == DType::kFp8);
  CHECK(op_of(b, op_names::kCombine).op.dtype == DType::kBf16);
  // An 8-bit combine pays the same per-token scales.
  const StepCost c = calculator(with({.combine = DType::kInt8}), hardware(), ep2).evaluate(kBatch);
  CHECK(changed_ops(a, c) == std::set<std::string>{op_names::kCombine});
  CHECK(op_of(c, op_names::kCombine).op.message.value() == doctest::Approx(pairs * 768.0));
}
