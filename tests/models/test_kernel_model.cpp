// The kernel cost model (models/cost_kernel.hpp): analytic answers for each of its terms.
#include <doctest/doctest.h>

#include <cmath>

#include "models/cost_kernel.hpp"
#include "fidelity/kernel_fit.hpp"

using namespace moesim;

namespace {

// A device of 4 compute units at 1 GHz, 100 TFLOP/s bf16, 1 TB/s, and a family whose constants
// are round numbers.
Hardware small_device() {
  Hardware hw;
  hw.name = "toy";
  hw.peak[DType::kBf16] = FlopsPerSec(100e12);
  hw.memory_bandwidth = BytesPerSec(1e12);
  hw.architecture = "hopper";
  hw.compute_units = 4;
  hw.clock = PerSecond(1e9);
  return hw;
}

KernelFamily round_family() {
  KernelFamily f;
  f.name = "toy";
  f[KernelParam::kFixedGemm] = 2e-6;
  f[KernelParam::kFixedGrouped] = 3e-6;
  f[KernelParam::kFixedAttention] = 4e-6;
  f[KernelParam::kFixedElementwise] = 1e-6;
  f[KernelParam::kEtaMemory] = 0.5;
  f[KernelParam::kEtaGemm] = 0.5;
  f[KernelParam::kEtaGrouped] = 0.5;
  f[KernelParam::kEtaAttention] = 0.5;
  f[KernelParam::kUnitBytesGrouped] = 10;
  f[KernelParam::kUnitBytesAttention] = 10;
  f[KernelParam::kSmooth] = 2;
  f[KernelParam::kEagerExtra] = 5e-6;
  // On-chip limits far above the DRAM side (4 units x 1000 B x 1 GHz = 4 TB/s): not binding.
  f[KernelParam::kChipBytesGrouped] = 1000;
  f[KernelParam::kEtaMemoryAttention] = 0.5;
  f[KernelParam::kChipBytesElementwise] = 1000;
  f.tile_m = 128;
  f.tile_n = 128;
  return f;
}

Op gemm_op(double m, double n, double k, double bytes) {
  Op op;
  op.name = "gemm";
  op.op_class = OpClass::kGemm;
  op.flops = Flops(2 * m * n * k);
  op.bytes = Bytes(bytes);
  op.m = m;
  op.n = n;
  op.k = k;
  return op;
}

}  // namespace

TEST_CASE("kernel model: wave quantization steps at the compute-unit boundary") {
  const Hardware hw = small_device();
  const KernelFamily f = round_family();
  // 4 units, 128 x 128 tiles. M = 128, N = 512: 4 tiles = one full wave, w = 1.
  // t = 2 us + 2 x 128 x 512 x 1024 / (0.5 x 100e12) = 2 us + 2.68435456 us (no bytes).
  const double full = kernel_time(gemm_op(128, 512, 1024, 0), hw, f).time.value();
  CHECK(full == doctest::Approx(2e-6 + 2.0 * 128 * 512 * 1024 / 50e12).epsilon(1e-12));
  // N = 640: 5 tiles = two waves of 4, w = 5 / 8: compute time x (640/512) / (5/8) = x 2.
  const double over = kernel_time(gemm_op(128, 640, 1024, 0), hw, f).time.value();
  CHECK(over - 2e-6 == doctest::Approx(2.0 * (full - 2e-6)).epsilon(1e-12));
  CHECK(kernel_time(gemm_op(128, 640, 1024, 0), hw, f).compute_bound);
}

TEST_CASE("kernel model: the fixed time dominates tiny kernels") {
  const Hardware hw = small_device();
  const KernelFamily f = round_family();
  // 4 KiB of streaming at 0.5 TB/s is 8.192 ns; p = 2 with no FLOPs adds nothing:
  // t = 1 us + 8.192 ns for one elementwise kernel, and 4 kernels for norms_residual.
  Op add;
  add.name = "copy";
  add.op_class = OpClass::kElementwise;
  add.bytes = Bytes(4096);
  CHECK(kernel_time(add, hw, f).time.value() == doctest::Approx(1e-6 + 4096 / 0.5e12));
  add.name = "norms_residual";
  CHECK(kernel_time(add, hw, f).time.value() == doctest::Approx(4e-6 + 4096 / 0.5e12));
  CHECK(kernels_per_op(add) == 4);
  // The fixed part is over 99% of the time.
  CHECK(4e-6 / kernel_time(add, hw, f).time.value() > 0.99);
}

TEST_CASE("kernel model: few attention work units are latency-bound (Little's law)") {
  const Hardware hw = small_device();
  const KernelFamily f = round_family();
  Op a;
  a.name = "attn_core";
  a.op_class = OpClass::kAttention;
  a.bytes = Bytes(1e6);
  a.units = 2;  // 2 units x 10 B/clock x 1 GHz = 20 GB/s < 0.5 x 1 TB/s
  CHECK(kernel_time(a, hw, f).time.value() == doctest::Approx(4e-6 + 1e6 / 20e9));
  a.units = 1000;  // capped at 4 units: 40 GB/s
  CHECK(kernel_time(a, hw, f).time.value() == doctest::Approx(4e-6 + 1e6 / 40e9));
}

TEST_CASE("kernel model: smooth maximum of compute and memory, eager launches") {
  const Hardware hw = small_device();
  KernelFamily f = round_family();
  // Equal compute and memory time x: smax_2 = sqrt(2) x.
  // 128 x 512 x 1024 GEMM: compute 2.68435456 us; bytes for the same memory time at 0.5 TB/s.
  const double tc = 2.0 * 128 * 512 * 1024 / 50e12;
  const Op op = gemm_op(128, 512, 1024, tc * 0.5e12);
  CHECK(kernel_time(op, hw, f).time.value() == doctest::Approx(2e-6 + std::sqrt(2.0) * tc));
  KernelDataset eager;
  eager.hw = hw;
  eager.eager = true;
  const Sample s{op, 1e-5, "gemm"};
  CHECK(kernel_sample_time(s, eager, f) == doctest::Approx(7e-6 + std::sqrt(2.0) * tc));
}

TEST_CASE("kernel model: the figures a preset lacks are named") {
  Hardware hw = small_device();
  CHECK(kernel_model_missing(hw).empty());
  hw.architecture = "vliw";
  hw.compute_units = 0;
  CHECK(kernel_model_missing(hw) ==
        std::vector<std::string>{"architecture (unknown family 'vliw')", "compute_units"});
  CHECK_THROWS_WITH_AS(cost_models().create("kernel", {})->time(gemm_op(1, 1, 1, 1), hw),
                       "hardware 'toy' lacks what cost model 'kernel' needs: architecture "
                       "(unknown family 'vliw'), compute_units",
                       ConfigError);
}

TEST_CASE("kernel model: fitting recovers constants that generated the data") {
  // Rows priced by a known family on two devices; a fit from other start values reproduces them.
  const KernelFamily truth = round_family();
  KernelDataset d;
  d.hw = small_device();
  d.label = "toy";
  for (double m : {1.0, 16.0, 256.0, 4096.0})
    for (double n : {256.0, 4096.0}) {
      const Op op = gemm_op(m, n, 1024, n * 1024 * 2 + m * 1024 * 2);
      d.samples.push_back({op, kernel_time(op, d.hw, truth).time.value(), "gemm"});
    }
  KernelFamily start = truth;
  start[KernelParam::kFixedGemm] = 5e-6;
  start[KernelParam::kEtaMemory] = 0.8;
  const KernelFamily fit = fit_kernel_family({&d}, start);
  for (const auto& s : d.samples)
    CHECK(kernel_sample_time(s, d, fit) == doctest::Approx(s.measured_s).epsilon(0.01));
}

TEST_CASE("kernel model: an on-chip limit caps a class whatever the DRAM bandwidth, GEMMs follow DRAM") {
  Hardware hw = small_device();
  KernelFamily f = round_family();
  // 1 MB: t = fixed + smax_2(t_c, 1e6 B / bw). Elementwise: bw = min(0.5 x BW, 4 units x 62.5 B x
  // 1 GHz = 0.25 TB/s). The 1 x 1 x 1 GEMM is one tile on 4 units (w = 1/4), its 2 FLOPs
  // negligible; it has no on-chip limit: bw = 0.5 x BW.
  Op copy;
  copy.name = "copy";
  copy.op_class = OpClass::kElementwise;
  copy.bytes = Bytes(1e6);
  const Op gemm = gemm_op(1, 1, 1, 1e6);
  f[KernelParam::kChipBytesElementwise] = 62.5;
  const auto gemm_at = [](double bw) {
    return 2e-6 + std::sqrt(std::pow(1e6 / bw, 2) + std::pow(2.0 / (0.25 * 50e12), 2));
  };
  CHECK(kernel_time(copy, hw, f).time.value() == doctest::Approx(1e-6 + 1e6 / 0.25e12));
  CHECK(kernel_time(gemm, hw, f).time.value() == doctest::Approx(gemm_at(0.5e12)));
  hw.memory_bandwidth = BytesPerSec(2e12);  // twice the DRAM bandwidth: only the GEMM speeds up
  CHECK(kernel_time(copy, hw, f).time.value() == doctest::Approx(1e-6 + 1e6 / 0.25e12));
  CHECK(kernel_time(gemm, hw, f).time.value() == doctest::Approx(gemm_at(1e12)));
  hw.compute_units = 8;  // twice the units: the on-chip limit doubles with them
  CHECK(kernel_time(copy, hw, f).time.value() == doctest::Approx(1e-6 + 1e6 / 0.5e12));
}
