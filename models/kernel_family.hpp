// Constants of one accelerator architecture family (Hopper, Ampere, Ada, Blackwell, Ascend
// DaVinci) for the `kernel` cost model (models/cost_kernel.hpp). The datasheet of a product
// (peaks, bandwidth, compute units, clock, L2) plus its family's constants price every operator;
// no constant is per product. models/README.md ("Kernel model") gives the equations.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace moesim {

// The fitted constants, by index into KernelFamily::value.
enum class KernelParam {
  kFixedGemm,          // s: fixed time of one GEMM kernel (launch under graph replay + floor)
  kFixedGrouped,       // s: same, one kernel of a grouped (MoE expert) GEMM
  kFixedAttention,     // s: same, one attention kernel
  kFixedElementwise,   // s: same, one elementwise kernel (norm, add, copy, softmax)
  kEtaMemory,          // asymptotic fraction of DRAM bandwidth of GEMMs, grouped GEMMs, elementwise
  kEtaGemm,            // asymptotic fraction of the dtype's peak a large GEMM reaches
  kEtaGrouped,         // same for grouped GEMMs
  kEtaAttention,       // same for attention
  kUnitBytesGrouped,   // bytes per clock one busy work unit of a grouped GEMM streams
  kUnitBytesAttention, // bytes per clock one attention work unit (sequence x KV head) streams
  kSmooth,             // exponent p of the smooth maximum (a^p + b^p)^(1/p) of compute, memory
  kEagerExtra,         // s: extra time per kernel launched one by one (eager) instead of from a
                       // captured graph; used for eager measurements and `launch: eager`
  // B/clock per compute unit a class sustains with every unit busy: an on-chip limit (caches,
  // on-chip network, the kernels' own pipelining) that does not grow with DRAM bandwidth. GEMMs
  // and attention have none: they stream at their DRAM fraction on every GPU measured
  // (models/README.md, "Kernel model": how the two limits are told apart on one GPU).
  kChipBytesGrouped,   // grouped (MoE expert) GEMMs
  kEtaMemoryAttention, // asymptotic fraction of DRAM bandwidth attention reaches (KV streams)
  kChipBytesElementwise,  // elementwise kernels (norms, adds, copies, softmax)
};
inline constexpr std::size_t kKernelParams = 15;

struct KernelParamInfo {
  const char* name;
  double lo, hi;  // fit range
  bool log_scale; // searched in ln(value)
  const char* unit;
  const char* help;
};
[[nodiscard]] const std::array<KernelParamInfo, kKernelParams>& kernel_param_info();

struct KernelFamily {
  std::string name;
  std::array<double, kKernelParams> value{};
  // Output tile of the family's GEMM kernels (rows x columns), for wave quantization. Not fitted:
  // the tile shapes of the vendor libraries (models/README.md cites them).
  double tile_m = 128, tile_n = 128;
  std::string source;  // how the constants were obtained (fit command and data, or "guess")

  [[nodiscard]] double operator[](KernelParam p) const {
    return value[static_cast<std::size_t>(p)];
  }
  double& operator[](KernelParam p) { return value[static_cast<std::size_t>(p)]; }
};

// The shipped families (kernel_family.cpp says where each constant comes from).
[[nodiscard]] const std::vector<KernelFamily>& kernel_families();
// The family called `name`, or nullptr.
[[nodiscard]] const KernelFamily* find_kernel_family(std::string_view name);
[[nodiscard]] std::vector<std::string> kernel_family_names();

}  // namespace moesim
