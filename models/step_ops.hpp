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

// Op names (stable; documented in the README). Routed experts contain "experts".
namespace op_names {
inline constexpr const char* kQkvProj = "attn_qkv_proj";
inline constexpr const char* kQProj = "attn_q_proj";
inline constexpr const char* kKvProj = "attn_kv_proj";
inline constexpr const char* kAttnCore = "attn_core";
inline constexpr const char* kOutProj = "attn_out_proj";
inline constexpr const char* kKvWrite = "attn_kv_write";  // RoPE and the KV-cache write
inline constexpr const char* kTpAttn = "tp_allreduce_attn";
inline constexpr const char* kDenseFfn = "dense_ffn";
inline constexpr const char* kTpFfn = "tp_allreduce_ffn";
inline constexpr const char* kRouter = "moe_router";
inline constexpr const char* kTopK = "moe_topk";            // softmax and top-k of the gate
inline constexpr const char* kPermute = "moe_permute";      // sort by expert, gather tokens
inline constexpr const char* kUnpermute = "moe_unpermute";  // weighted sum back to tokens
inline constexpr const char* kSharedExperts = "shared_experts";
inline constexpr const char* kRoutedExperts = "routed_experts";
inline constexpr const char* kDispatch = "ep_dispatch";
inline constexpr const char* kCombine = "ep_combine";
inline constexpr const char* kTpMoe = "tp_allreduce_moe";
inline constexpr const char* kNorms = "norms_residual";
inline constexpr const char* kEmbedding = "embedding";
inline constexpr const char* kLmHead = "lm_head";
inline constexpr const char* kSampling = "sampling";
inline constexpr const char* kDraft = "draft";
inline constexpr const char* kRejection = "rejection_sampling";
}  // namespace op_names

}  // namespace moesim
