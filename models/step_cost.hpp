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
  // evaluate_ranks only: each rank's own ops (op_is_rank_local) for its batch alone, and the
  // slowest rank, whose ops are the rank-local part of `ops` (lowest index on ties).
  std::vector<Seconds> rank_local;
  int slowest_rank = 0;
  // Time of ops with Op::hidden_behind_experts hidden behind the routed experts (already out of
  // total and of those ops' priced time).
  Seconds fused_saving{0};
  // Sum of per-layer ops divided by the number of layers (a mean layer).
  [[nodiscard]] Seconds per_layer_mean(int layers) const;
  [[nodiscard]] Seconds time_of(OpKind kind) const;
  // By display name (reports and tests); the product classifies by kind.
  [[nodiscard]] Seconds time_of(const char* name) const;
};

class StepCostCalculator {
 public:
  StepCostCalculator(ModelArch model, Hardware hw, Parallel par,
                     std::shared_ptr<const CostModel> cost,
                     std::shared_ptr<const RoutingModel> routing,
                     std::shared_ptr<const CollectiveModel> collectives,
                     std::shared_ptr<const DispatchModel> dispatch = nullptr);

  // A step of the whole instance, its tokens split evenly over the parallel().dp attention
  // data-parallel ranks (one pooled batch).
  [[nodiscard]] StepCost evaluate(const BatchShape& batch) const;
  // A step of an instance whose dp ranks each bring their own batch (ranks.size() ==
  // parallel().dp; an empty shape is a rank with no work, which still joins the MoE layers).
  // The ranks meet at every MoE layer, so the step lasts the slowest rank's own ops (attention,
  // dense FFN, router, shared experts, norms, LM head, sampling; priced for its batch alone)
  // plus the routed experts and EP all-to-all priced for the union of the ranks' tokens.
  // Throws std::invalid_argument when ranks.size() != parallel().dp.
  [[nodiscard]] StepCost evaluate_ranks(const std::vector<BatchShape>& ranks) const;
  [[nodiscard]] Seconds time(const BatchShape& batch) const { return evaluate(batch).total; }
  [[nodiscard]] PricedOp price(const Op& op) const;

  [[nodiscard]] const ModelArch& model() const { return model_; }
  [[nodiscard]] const Hardware& hardware() const { return hw_; }
  [[nodiscard]] const Parallel& parallel() const { return par_; }

 private:
  // Sums `ops` (one forward pass) into out.total and out.ops, then takes off what two-micro-
  // batch overlap hides.
  void assemble(StepCost& out, std::vector<PricedOp> ops) const;

  ModelArch model_;
  Hardware hw_;
  Parallel par_;
  std::shared_ptr<const CostModel> cost_;
  std::shared_ptr<const RoutingModel> routing_;
  std::shared_ptr<const CollectiveModel> collectives_;
  std::shared_ptr<const DispatchModel> dispatch_;  // null: pairwise
};

}  // namespace moesim
