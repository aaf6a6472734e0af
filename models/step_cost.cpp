#include "models/step_cost.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

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

Seconds StepCost::time_of(OpKind kind) const {
  Seconds s{0};
  for (const auto& p : ops) {
    if (p.op.kind == kind) s += p.total();
  }
  return s;
}

namespace {
// Fused dispatch / combine: each op that sets hidden_behind_experts = f hides up to f of the
// routed experts' time per occurrence, from a budget the ops share in op order.
void hide_behind_experts(StepCost& out) {
  Seconds budget{-1};
  for (PricedOp& p : out.ops) {
    if (p.op.hidden_behind_experts <= 0) continue;
    if (budget.value() < 0) {
      budget = Seconds(0);
      for (const PricedOp& e : out.ops) {
        if (e.op.kind == OpKind::kRoutedExperts) budget += e.time;
      }
      budget = budget * p.op.hidden_behind_experts;
    }
    const Seconds hidden = std::min(p.time, budget);
    p.time = p.time - hidden;
    budget = budget - hidden;
    out.fused_saving += hidden * p.op.repeat;
  }
}
}  // namespace

StepCostCalculator::StepCostCalculator(ModelArch model, Hardware hw, Parallel par,
                                       std::shared_ptr<const CostModel> cost,
                                       std::shared_ptr<const RoutingModel> routing,
                                       std::shared_ptr<const CollectiveModel> collectives,
                                       std::shared_ptr<const DispatchModel> dispatch)
    : model_(std::move(model)),
      hw_(std::move(hw)),
      par_(par),
      cost_(std::move(cost)),
      routing_(std::move(routing)),
      collectives_(std::move(collectives)),
      dispatch_(std::move(dispatch)) {}

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
  ForwardOps fwd = build_forward_ops(model_, par_, batch, routing_.get(), dispatch_.get());
  out.expert_load = fwd.expert_load;
  std::vector<PricedOp> ops;
  ops.reserve(fwd.ops.size());
  for (const Op& op : fwd.ops) ops.push_back(price(op));
  assemble(out, std::move(ops));
  return out;
}

StepCost StepCostCalculator::evaluate_ranks(const std::vector<BatchShape>& ranks) const {
  if (int(ranks.size()) != par_.dp) {
    throw std::invalid_argument("evaluate_ranks: " + std::to_string(ranks.size()) +
                                " batches for dp=" + std::to_string(par_.dp));
  }
  StepCost out;
  out.rank_local.assign(ranks.size(), Seconds(0));
  BatchShape all;
  for (const BatchShape& b : ranks) all.add(b);
  if (all.tokens <= 0) return out;
  std::vector<PricedOp> slowest;
  Seconds slowest_time{-1};
  for (std::size_t r = 0; r < ranks.size(); ++r) {
    if (ranks[r].tokens <= 0) continue;
    // build_forward_ops gives each rank tokens / dp: a shape dp times this rank's batch makes
    // every rank-local op see exactly this rank's tokens, sequences and KV reads.
    BatchShape as_every_rank;
    for (int k = 0; k < par_.dp; ++k) as_every_rank.add(ranks[r]);
    const ForwardOps fwd =
        build_forward_ops(model_, par_, as_every_rank, routing_.get(), dispatch_.get());
    std::vector<PricedOp> mine;
    Seconds t{0};
    for (const Op& op : fwd.ops) {
      if (!op_is_rank_local(op)) continue;
      mine.push_back(price(op));
      t += mine.back().total();
    }
    out.rank_local[r] = t;
    if (t > slowest_time) {
      slowest_time = t;
      out.slowest_rank = int(r);
      slowest = std::move(mine);
    }
  }
  // Routed experts and the all-to-all over every rank's tokens.
  const ForwardOps shared =
      build_forward_ops(model_, par_, all, routing_.get(), dispatch_.get());
  out.expert_load = shared.expert_load;
  for (const Op& op : shared.ops) {
    if (!op_is_rank_local(op)) slowest.push_back(price(op));
  }
  assemble(out, std::move(slowest));
  return out;
}

void StepCostCalculator::assemble(StepCost& out, std::vector<PricedOp> ops) const {
  out.ops = std::move(ops);
  hide_behind_experts(out);
  Seconds layer_compute{0}, layer_comm{0};
  for (const PricedOp& p : out.ops) {
    out.total += p.total();
    if (p.op.scope == OpScope::kPerLayer) {
      (p.op.collective != Collective::kNone ? layer_comm : layer_compute) += p.total();
    }
  }
  if (par_.two_batch_overlap && layer_comm.value() > 0) {
    // Two micro-batches: one's communication hides behind the other's compute, except for the
    // pipeline's fill and drain (half of the shorter side): max(C, M) + min(C, M) / 2 in place
    // of C + M over the layers.
    const Seconds lo = std::min(layer_compute, layer_comm);
    const Seconds hi = std::max(layer_compute, layer_comm);
    out.overlap_saving = (layer_compute + layer_comm) - (hi + lo * 0.5);
    out.total = out.total - out.overlap_saving;
  }
}

}  // namespace moesim
