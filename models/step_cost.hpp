// Prices one step of an instance: builds the forward ops, times compute ops with the cost model
// and communication ops with the collective model, and sums them.
#pragma once

#include <memory>
#include <vector>

#include "models/collective_model.hpp"
#include "models/cost_model.hpp"
#include "models/step_ops.hpp"

namespace moesim {

struct PricedOp {
  Op op;
  Seconds time{0};  // one occurrence
  bool compute_bound = false;
  [[nodiscard]] Seconds total() const { return time * op.repeat; }
};

struct StepCost {
  Seconds total{0};
  std::vector<PricedOp> ops;
  ExpertLoad expert_load;
  Seconds overlap_saving{0};  // time hidden by two-micro-batch overlap (already out of total)
  // Time of ops with Op::hidden_behind_experts hidden behind the routed experts (already out of
  // total and of those ops' priced time).
  Seconds fused_saving{0};
  // Sum of per-layer ops divided by the number of layers (a mean layer).
  [[nodiscard]] Seconds per_layer_mean(int layers) const;
  [[nodiscard]] Seconds time_of(const char* name) const;
};

class StepCostCalculator {
 public:
  StepCostCalculator(ModelArch model, Hardware hw, Parallel par,
                     std::shared_ptr<const CostModel> cost,
                     std::shared_ptr<const RoutingModel> routing,
                     std::shared_ptr<const CollectiveModel> collectives,
                     std::shared_ptr<const DispatchModel> dispatch = nullptr);

  [[nodiscard]] StepCost evaluate(const BatchShape& batch) const;
  [[nodiscard]] Seconds time(const BatchShape& batch) const { return evaluate(batch).total; }
  [[nodiscard]] PricedOp price(const Op& op) const;

  [[nodiscard]] const ModelArch& model() const { return model_; }
  [[nodiscard]] const Hardware& hardware() const { return hw_; }
  [[nodiscard]] const Parallel& parallel() const { return par_; }

 private:
  ModelArch model_;
  Hardware hw_;
  Parallel par_;
  std::shared_ptr<const CostModel> cost_;
  std::shared_ptr<const RoutingModel> routing_;
  std::shared_ptr<const CollectiveModel> collectives_;
  std::shared_ptr<const DispatchModel> dispatch_;  // null: pairwise
};

}  // namespace moesim
