// Builds the operator list of one forward pass of an instance (docs/design.md section 4):
// attention (MHA/GQA/MLA) with RoPE and the KV-cache write, dense FFN, router, top-k, token
// permutation, shared and routed experts, TP and EP communication, norms, embedding, LM head and
// sampling. Quantities are per device, for the
// busiest device where devices differ.
#pragma once

#include <vector>

#include "models/batch.hpp"
#include "models/dispatch_model.hpp"
#include "models/model_arch.hpp"
#include "models/operator.hpp"
#include "models/parallel.hpp"
#include "models/routing_model.hpp"

namespace moesim {

struct ForwardOps {
  std::vector<Op> ops;
  ExpertLoad expert_load;  // of one MoE layer (zero for dense models)
};

// `routing` may be null for dense models; `dispatch` null = the `pairwise` mode. Throws
// ConfigError when the layout does not divide the model (checked again, with file positions, by
// the scenario cross-checks).
[[nodiscard]] ForwardOps build_forward_ops(const ModelArch& m, const Parallel& par,
                                           const BatchShape& batch, const RoutingModel* routing,
                                           const DispatchModel* dispatch = nullptr);

// Whether `op` works on the tokens of one attention data-parallel rank (embedding, attention, its
// TP all-reduce, dense FFN, router, shared experts, norms, LM head, sampling) rather than on the
// tokens of all the instance's ranks together (routed experts, EP dispatch and combine). Ranks
// that schedule their own batches run the first kind on their own batch and meet at the second.
[[nodiscard]] bool op_is_rank_local(const Op& op);

// Whether `op` belongs to an MoE block: router, top-k, permutation, un-permute, shared and routed
// experts (what the profiler's moe_block times).
[[nodiscard]] bool op_in_moe_block(const Op& op);


}  // namespace moesim
