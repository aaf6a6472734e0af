// The `kernel` cost model: an operator's time from the device's datasheet figures and the
// constants of its architecture family (models/kernel_family.hpp). Equations (models/README.md,
// "Kernel model"); S compute units, f clock, BW memory bandwidth, P peak of the op's dtype:
//   t = n_k x c_class + smax_p(t_c, t_m),   smax_p(a, b) = (a^p + b^p)^(1/p)
//   t_c = F / (eta_class x P x w),  w = tiles / (ceil(tiles / S) x S)   (wave quantization)
//   t_m = B / min(eta_mem x BW, S x chip_class x f, u x beta_class x f)  (Little's law)
// n_k kernels of the op (kernels_per_op), c_class the fixed time of one kernel of its class,
// tiles = ceil(M / tile_m) x ceil(N / tile_n) for GEMMs (grouped: per active expert), u the
// op's independent work units (attention: sequences x local KV heads; grouped GEMMs: active
// experts x column tiles; other ops are assumed to spread over every unit), beta_class the
// bytes per clock one latency-bound unit streams, chip_class the on-chip limit per unit with
// every unit busy (grouped GEMMs and elementwise kernels; none for GEMMs and attention).
#pragma once

#include "models/cost_model.hpp"
#include "models/kernel_family.hpp"

namespace moesim {

// Kernels one occurrence of `op` launches, by op name (models/README.md lists them).
[[nodiscard]] double kernels_per_op(const Op& op);

// Time of one occurrence of compute op `op` on `hw` with family constants `f`. Precondition:
// hw.compute_units > 0 and hw.clock > 0 (validated when the scenario is loaded).
[[nodiscard]] OpTime kernel_time(const Op& op, const Hardware& hw, const KernelFamily& f);

// The names of the hardware figures the kernel model needs that `hw` lacks (empty when none):
// "architecture" (or "architecture (unknown family X)"), "compute_units", "clock".
[[nodiscard]] std::vector<std::string> kernel_model_missing(const Hardware& hw);

}  // namespace moesim
