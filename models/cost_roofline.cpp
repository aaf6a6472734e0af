// The roofline cost model, with efficiencies and launch overhead from the hardware preset.
#include <algorithm>

#include "models/cost_model.hpp"

namespace moesim {

const char* collective_name(Collective c) {
  switch (c) {
    case Collective::kNone: return "none";
    case Collective::kAllReduce: return "all_reduce";
    case Collective::kAllToAll: return "all_to_all";
    case Collective::kAllGather: return "all_gather";
    case Collective::kReduceScatter: return "reduce_scatter";
  }
  return "?";
}

OpTime roofline_time(const Op& op, const Hardware& hw) {
  const double compute_rate = hw.efficiency.compute(op.op_class) * hw.peak_for(op.dtype).value();
  const double memory_rate = hw.efficiency.memory(op.op_class) * hw.memory_bandwidth.value();
  const double tc = compute_rate > 0 ? op.flops.value() / compute_rate : 0.0;
  const double tm = memory_rate > 0 ? op.bytes.value() / memory_rate : 0.0;
  return {Seconds(std::max(tc, tm)) + hw.launch_overhead, tc > tm};
}

namespace {
class RooflineCostModel final : public CostModel {
 public:
  OpTime time(const Op& op, const Hardware& hw) const override { return roofline_time(op, hw); }
};
}  // namespace

void register_roofline_cost_model(CostModelRegistry& r) {
  r.add({"roofline",
         "max(FLOPs/(eta_c*peak), bytes/(eta_m*bandwidth)) + launch overhead, efficiencies from "
         "the hardware preset",
         {},
         [](const ParamSet&) { return std::make_unique<RooflineCostModel>(); }});
}

void register_profiled_cost_model(CostModelRegistry& r);  // cost_profiled.cpp
void register_kernel_cost_model(CostModelRegistry& r);    // cost_kernel.cpp

const CostModelRegistry& cost_models() {
  static const CostModelRegistry registry = [] {
    CostModelRegistry r("cost model");
    register_roofline_cost_model(r);
    register_profiled_cost_model(r);
    register_kernel_cost_model(r);
    return r;
  }();
  return registry;
}

}  // namespace moesim
