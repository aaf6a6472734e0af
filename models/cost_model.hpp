// Cost-model plug-ins: the time of one compute operator on one device.
#pragma once

#include "models/operator.hpp"
#include "models/registry.hpp"

namespace moesim {

struct OpTime {
  Seconds time{0};
  bool compute_bound = false;
};

class CostModel {
 public:
  virtual ~CostModel() = default;
  // Time of one occurrence of a compute op (op.collective == kNone) on `hw`.
  [[nodiscard]] virtual OpTime time(const Op& op, const Hardware& hw) const = 0;
};

using CostModelRegistry = Registry<CostModel>;
[[nodiscard]] const CostModelRegistry& cost_models();

// The roofline of docs/equations.md:
// max(flops / (eta_c * peak(dtype)), bytes / (eta_m * bandwidth)) + launch overhead.
[[nodiscard]] OpTime roofline_time(const Op& op, const Hardware& hw);

}  // namespace moesim
