// An open description of one operator of a step: kind, work and traffic. Cost models price it;
// adding an operator never changes their interface.
#pragma once

#include <cstdint>

#include "models/dtype.hpp"
#include "models/hardware.hpp"
#include "models/units.hpp"

namespace moesim {

enum class OpScope { kPerLayer, kPerStep };
enum class Collective { kNone, kAllReduce, kAllToAll, kAllGather, kReduceScatter };

// What an operator is, set once where it is built (make_op): every classification (the step
// breakdown, the MoE block, rank-local work, the profiled model's tables) reads the kind, never
// the name, so renaming an operator cannot move its time. kOther: an operator outside moesim's
// forward pass (a measured table's own names, e.g. Vidur's); kCollective: a bare collective call.
enum class OpKind : std::uint8_t {
  kOther,
  kCollective,
  kQkvProj,
  kQProj,
  kKvProj,
  kAttnCore,
  kOutProj,
  kKvWrite,
  kTpAttn,
  kDenseFfn,
  kTpFfn,
  kRouter,
  kTopK,
  kPermute,
  kUnpermute,
  kSharedExperts,
  kRoutedExperts,
  kDispatch,
  kCombine,
  kTpMoe,
  kNorms,
  kEmbedding,
  kLmHead,
  kSampling,
  kDraft,
  kRejection,
  kElementwiseCopy,  // the profiler's plain copy kernel (a measured table's reference)
};
inline constexpr int kOpKinds = int(OpKind::kElementwiseCopy) + 1;

// The part of the model an operator belongs to.
enum class OpBlock : std::uint8_t { kNone, kAttention, kDenseFfn, kMoe, kStep, kSpeculation };

// Op names (stable; documented in the README), one per kind. Routed experts contain "experts".
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
inline constexpr const char* kElementwiseCopy = "elementwise_copy";
}  // namespace op_names

// The kind's name ("" for kOther, "collective" for kCollective) and block.
[[nodiscard]] const char* op_kind_name(OpKind k);
[[nodiscard]] OpBlock op_block(OpKind k);

// What a caller fixes about one collective call instead of the communication-efficiency plug-in
// and the collective model's traffic pattern (expert-dispatch modes, models/dispatch_model.hpp).
// The defaults change nothing.
struct CallOverride {
  // All-to-all only: bytes of Op::message that cross scale-out links (the rest stays on scale-up
  // links). Negative: spread over peers in proportion to their number, as the algorithm does.
  Bytes scale_out{-1};
  double efficiency = 0;  // in (0, 1]: replaces eta(c, S); 0: the plug-in's
  Seconds overhead{-1};   // >= 0: replaces the plug-in's per-call overhead
  [[nodiscard]] bool splits() const { return scale_out.value() >= 0; }
};

struct Op {
  OpKind kind = OpKind::kOther;
  const char* name = "";  // stable name (README "Operators"); static storage; for display only
  OpClass op_class = OpClass::kGemm;
  OpScope scope = OpScope::kPerLayer;
  double repeat = 1;  // occurrences per step (layers it appears in; 1 for per-step ops)
  Flops flops{0};     // per occurrence, on the busiest device
  Bytes bytes{0};     // memory traffic per occurrence, on the busiest device
  DType dtype = DType::kBf16;  // compute dtype (selects the peak)
  // Shape hints for measured cost tables: GEMM M, N, K (or tokens, experts, context).
  double m = 0, n = 0, k = 0;
  // Independent work items the kernel can spread over the compute units when it is bound by
  // memory latency (attention: sequences x local KV heads); 0 = derive from the shape.
  double units = 0;
  // Communication ops only.
  Collective collective = Collective::kNone;
  Bytes message{0};  // per device: all-reduce / reduce-scatter input buffer, all-gather output
                     // buffer, all-to-all bytes sent to peers
  int group = 1;     // devices taking part
  CallOverride call;
  // Fraction in [0, 1] of the routed experts' time (`routed_experts`, same layers) behind which
  // this op's time hides, shared in op order by every op that sets it (dispatch fused with the
  // expert GEMMs); 0: none.
  double hidden_behind_experts = 0;
};

[[nodiscard]] const char* collective_name(Collective c);

// An operator of kind `k`, named after it (the only place a forward-pass op gets its name).
[[nodiscard]] inline Op make_op(OpKind k) {
  Op op;
  op.kind = k;
  op.name = op_kind_name(k);
  return op;
}

// One call of collective `c` moving `message` bytes per device (see Op::message) among `group`
// devices, named after the collective: what the collective models price.
[[nodiscard]] inline Op collective_op(Collective c, Bytes message, int group) {
  Op op;
  op.kind = OpKind::kCollective;
  op.name = collective_name(c);
  op.op_class = OpClass::kCommunication;
  op.collective = c;
  op.message = message;
  op.group = group;
  op.m = message.value();
  return op;
}

}  // namespace moesim
