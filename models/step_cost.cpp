#include "models/step_cost.hpp"

#include <cstring>

namespace moesim {

Seconds StepCost::per_layer_mean(int layers) const {
  Seconds s{0};
  for (const auto& p : ops) {
    if (p.op.scope == OpScope::kPerLayer) s += p.total();
  }
  return layers > 0 ? s / double(layers) : s;
}

Seconds StepCost::time_of(const char* name) const {
  Seconds s{0};
  for (const auto& p : ops) {
    if (std::strcmp(p.op.name, name) == 0) s += p.total();
  }
  return s;
}

StepCostCalculator::StepCostCalculator(ModelArch model, Hardware hw, Parallel par,
                                       std::shared_ptr<const CostModel> cost,
                                       std::shared_ptr<const RoutingModel> routing,
                                       std::shared_ptr<const CollectiveModel> collectives)
    : model_(std::move(model)),
      hw_(std::move(hw)),
      par_(par),
      cost_(std::move(cost)),
      routing_(std::move(routing)),
      collectives_(std::move(collectives)) {}

PricedOp StepCostCalculator::price(const Op& op) const {
  PricedOp p{op};
  if (op.collective != Collective::kNone) {
    p.time = collectives_->time(op);
  } else {
    const OpTime t = cost_->time(op, hw_);
    p.time = t.time;
    p.compute_bound = t.compute_bound;
  }
  return p;
}

StepCost StepCostCalculator::evaluate(const BatchShape& batch) const {
  StepCost out;
  if (batch.tokens <= 0) return out;
  ForwardOps fwd = build_forward_ops(model_, par_, batch, routing_.get());
  out.expert_load = fwd.expert_load;
  out.ops.reserve(fwd.ops.size());
  for (const Op& op : fwd.ops) {
    out.ops.push_back(price(op));
    out.total += out.ops.back().total();
  }
  return out;
}

}  // namespace moesim
