// The kernel cost model (equations in cost_kernel.hpp and models/README.md).
#include "models/cost_kernel.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <string>

#include "models/errors.hpp"

namespace moesim {
namespace {

using P = KernelParam;

double fixed_of(OpClass c, const KernelFamily& f) {
  switch (c) {
    case OpClass::kGemm: return f[P::kFixedGemm];
    case OpClass::kGroupedGemm: return f[P::kFixedGrouped];
    case OpClass::kAttention: return f[P::kFixedAttention];
    case OpClass::kElementwise:
    case OpClass::kCommunication: return f[P::kFixedElementwise];
  }
  return 0.0;
}

double eta_compute_of(OpClass c, const KernelFamily& f) {
  switch (c) {
    case OpClass::kGemm: return f[P::kEtaGemm];
    case OpClass::kGroupedGemm: return f[P::kEtaGrouped];
    case OpClass::kAttention: return f[P::kEtaAttention];
    default: return f[P::kEtaGemm];
  }
}

// B/clock per compute unit the class sustains on chip with every unit busy; 0 = no such limit
// (GEMMs and attention, whose streaming their DRAM fraction alone bounds).
double chip_bytes_of(OpClass c, const KernelFamily& f) {
  switch (c) {
    case OpClass::kGroupedGemm: return f[P::kChipBytesGrouped];
    case OpClass::kElementwise: return f[P::kChipBytesElementwise];
    default: return 0.0;
  }
}

// Fraction of the compute units busy over the waves of `tiles` output tiles.
double wave_efficiency(double tiles, double units) {
  if (tiles <= 0 || units <= 0) return 1.0;
  const double waves = std::ceil(tiles / units);
  return tiles / (waves * units);
}

double smooth_max(double a, double b, double p) {
  if (a <= 0) return b;
  if (b <= 0) return a;
  const double hi = std::max(a, b), lo = std::min(a, b);
  return hi * std::pow(1.0 + std::pow(lo / hi, p), 1.0 / p);
}

}  // namespace

double kernels_per_op(const Op& op) {
  // What a serving engine launches per occurrence (and what profiler/ times per table row).
  static const std::map<std::string, double, std::less<>> kernels = {
      {"dense_ffn", 3},       // gate+up GEMM, SiLU x up, down GEMM
      {"shared_experts", 3},  // same
      {"routed_experts", 3},  // grouped gate+up, SiLU x up, grouped down
      {"norms_residual", 4},  // two RMSNorms and two residual adds
      {"attn_kv_write", 2},   // RoPE, then the copy into the paged KV cache
      {"moe_permute", 2},     // sort the token-expert pairs by expert, gather the activations
      {"sampling", 2},        // softmax, then top-p / argmax
      {"rejection_sampling", 2},
  };
  const auto it = kernels.find(std::string_view(op.name));
  return it == kernels.end() ? 1.0 : it->second;
}

OpTime kernel_time(const Op& op, const Hardware& hw, const KernelFamily& f) {
  const double units = hw.compute_units;
  const double clock = hw.clock.value();
  const double fixed = kernels_per_op(op) * fixed_of(op.op_class, f);
  // Compute: the dtype's peak at the class's efficiency, over the busy share of the waves.
  double tc = 0;
  double mem_units = units;  // work units streaming memory at once
  if (op.flops.value() > 0 && op.op_class != OpClass::kElementwise) {
    double wave = 1.0;
    if (op.op_class == OpClass::kGemm && op.m > 0 && op.n > 0) {
      wave = wave_efficiency(std::ceil(op.m / f.tile_m) * std::ceil(op.n / f.tile_n), units);
    } else if (op.op_class == OpClass::kGroupedGemm && op.n > 0 && op.k > 0) {
      const double per_expert = std::max(1.0, op.m / op.n);
      const double col_tiles = std::ceil(2.0 * op.k / f.tile_n);  // gate+up output columns
      wave = wave_efficiency(op.n * std::ceil(per_expert / f.tile_m) * col_tiles, units);
      mem_units = std::min(units, op.n * col_tiles);
    }
    const double rate = eta_compute_of(op.op_class, f) * hw.peak_for(op.dtype).value() * wave;
    tc = rate > 0 ? op.flops.value() / rate : 0.0;
  }
  // Memory: the asymptotic bandwidth, or what the busy units keep in flight when fewer.
  double unit_bytes = 0;  // bytes per clock of one latency-bound unit; 0 = not limiting
  if (op.op_class == OpClass::kGroupedGemm) unit_bytes = f[P::kUnitBytesGrouped];
  if (op.op_class == OpClass::kAttention && op.units > 0) {
    unit_bytes = f[P::kUnitBytesAttention];
    mem_units = std::min(units, op.units);
  }
  // The DRAM fraction, the on-chip limit of the whole chip, and what the busy units keep in
  // flight: the lowest binds.
  const double eta_mem =
      op.op_class == OpClass::kAttention ? f[P::kEtaMemoryAttention] : f[P::kEtaMemory];
  double bw = eta_mem * hw.memory_bandwidth.value();
  const double chip_bytes = chip_bytes_of(op.op_class, f);
  if (chip_bytes > 0 && clock > 0) bw = std::min(bw, units * chip_bytes * clock);
  if (unit_bytes > 0 && clock > 0) bw = std::min(bw, mem_units * unit_bytes * clock);
  const double tm = bw > 0 ? op.bytes.value() / bw : 0.0;
  return {Seconds(fixed + smooth_max(tc, tm, f[P::kSmooth])), tc > tm};
}

std::vector<std::string> kernel_model_missing(const Hardware& hw) {
  std::vector<std::string> missing;
  if (hw.architecture.empty()) {
    missing.emplace_back("architecture");
  } else if (find_kernel_family(hw.architecture) == nullptr) {
    missing.emplace_back("architecture (unknown family '" + hw.architecture + "')");
  }
  if (hw.compute_units <= 0) missing.emplace_back("compute_units");
  if (hw.clock.value() <= 0) missing.emplace_back("clock");
  return missing;
}

namespace {
class KernelCostModel final : public CostModel {
 public:
  OpTime time(const Op& op, const Hardware& hw) const override {
    const KernelFamily* f = find_kernel_family(hw.architecture);
    if (f == nullptr || hw.compute_units <= 0 || hw.clock.value() <= 0) {
      std::string what;
      for (const auto& m : kernel_model_missing(hw)) what += (what.empty() ? "" : ", ") + m;
      throw ConfigError("hardware '" + hw.name + "' lacks what cost model 'kernel' needs: " +
                        what);
    }
    return kernel_time(op, hw, *f);
  }
};
}  // namespace

void register_kernel_cost_model(CostModelRegistry& r) {
  r.add({"kernel",
         "per-kernel fixed time + smooth max of wave-quantized compute and latency-limited "
         "memory time; datasheet figures of the hardware preset and its architecture family's "
         "constants (models/README.md, Kernel model)",
         {},
         [](const ParamSet&) { return std::make_unique<KernelCostModel>(); }});
}

}  // namespace moesim
