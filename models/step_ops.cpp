#include "models/step_ops.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "models/errors.hpp"

namespace moesim {
namespace {

constexpr double kActBytes = 2.0;  // activations in bf16

// A GEMM of M tokens through a K x N weight (FLOPs 2MNK; bytes: weights, input and output).
Op gemm(const char* name, double m, double n, double k, double w_bytes, DType dtype,
        OpScope scope, double repeat) {
  Op op;
  op.name = name;
  op.op_class = OpClass::kGemm;
  op.scope = scope;
  op.repeat = repeat;
  op.flops = Flops(2.0 * m * n * k);
  op.bytes = Bytes(n * k * w_bytes + m * k * kActBytes + m * n * kActBytes);
  op.dtype = dtype;
  op.m = m;
  op.n = n;
  op.k = k;
  return op;
}

Op comm(const char* name, Collective c, double message, int group, double repeat) {
  Op op = collective_op(c, Bytes(message), group);
  op.name = name;
  op.repeat = repeat;
  return op;
}

Op elementwise(const char* name, double bytes, OpScope scope, double repeat) {
  Op op;
  op.name = name;
  op.op_class = OpClass::kElementwise;
  op.scope = scope;
  op.repeat = repeat;
  op.bytes = Bytes(bytes);
  op.m = bytes;
  return op;
}

// Gated (3 matrices) or plain (2) FFN of M tokens, intermediate `inter` on this device.
Op ffn(const char* name, const ModelArch& m, double tokens, double inter, double repeat) {
  const double mats = m.ffn_gated ? 3.0 : 2.0;
  const double w = dtype_bytes(m.weight_dtype);
  Op op;
  op.name = name;
  op.op_class = OpClass::kGemm;
  op.repeat = repeat;
  op.flops = Flops(2.0 * mats * m.hidden * inter * tokens);
  op.bytes = Bytes(mats * m.hidden * inter * w + tokens * m.hidden * kActBytes * 2.0 +
                   tokens * inter * kActBytes * (mats - 1.0));
  op.dtype = m.weight_dtype;
  op.m = tokens;
  op.n = inter;
  op.k = m.hidden;
  return op;
}

void check_layout(const ModelArch& m, const Parallel& par) {
  if (par.tp < 1 || par.dp < 1 || par.ep < 1) throw ConfigError("tp, dp and ep must be >= 1");
  if (m.heads % par.tp != 0)
    throw ConfigError("tp=" + std::to_string(par.tp) + " does not divide " +
                      std::to_string(m.heads) + " attention heads");
  if (m.is_moe()) {
    if (par.devices() % par.ep != 0)
      throw ConfigError("ep=" + std::to_string(par.ep) + " does not divide the instance's " +
                        std::to_string(par.devices()) + " devices (tp*dp)");
    if ((m.moe.experts + par.redundant_experts) % par.ep != 0)
      throw ConfigError("ep=" + std::to_string(par.ep) + " does not divide " +
                        std::to_string(m.moe.experts) + " routed experts" +
                        (par.redundant_experts > 0
                             ? " + " + std::to_string(par.redundant_experts) + " redundant"
                             : std::string()));
  } else if (par.ep != 1) {
    throw ConfigError("ep must be 1 for a dense model");
  }
}

void add_attention(const ModelArch& m, const Parallel& par, const BatchShape& b,
                   std::vector<Op>& ops) {
  const double g = par.dp;  // tokens and sequences split evenly over attention DP groups
  const double t = double(b.tokens) / g;
  const double heads = double(m.heads) / par.tp;
  const double w = dtype_bytes(m.weight_dtype);
  const double layers = m.layers;
  const DType dt = m.weight_dtype;
  const double kv_bytes = m.kv_bytes_per_token_layer().value();

  if (m.attention == AttentionKind::kMla) {
    const auto& a = m.mla;
    const double qk = a.qk_nope_head_dim + a.qk_rope_head_dim;
    // Queries: optional low-rank compression, then per-head up-projection (sharded over TP).
    Op q = a.q_lora_rank > 0
               ? gemm(op_names::kQProj, t, a.q_lora_rank + heads * qk, m.hidden, w, dt,
                      OpScope::kPerLayer, layers)
               : gemm(op_names::kQProj, t, heads * qk, m.hidden, w, dt, OpScope::kPerLayer,
                      layers);
    if (a.q_lora_rank > 0) {  // two GEMMs: H -> q_lora (full), q_lora -> heads*qk (sharded)
      q.flops = Flops(2.0 * t * (double(m.hidden) * a.q_lora_rank + a.q_lora_rank * heads * qk));
      q.bytes = Bytes((double(m.hidden) * a.q_lora_rank + a.q_lora_rank * heads * qk) * w +
                      t * (m.hidden + a.q_lora_rank + heads * qk) * kActBytes);
    }
    ops.push_back(q);
    // KV: compress to the latent (replicated), plus the absorbed per-head up-projections
    // (W_UK into the query for decode, W_UV onto the output), whose weights are read once.
    const double latent = a.kv_lora_rank + a.qk_rope_head_dim;
    const double absorbed = heads * a.kv_lora_rank * (a.qk_nope_head_dim + a.v_head_dim);
    Op kv = gemm(op_names::kKvProj, t, latent, m.hidden, w, dt, OpScope::kPerLayer, layers);
    kv.flops = kv.flops + Flops(2.0 * t * absorbed);
    kv.bytes = kv.bytes + Bytes(absorbed * w);
    ops.push_back(kv);
    // Core: decode in the absorbed latent form (scores over kv_lora+rope, values over kv_lora);
    // prefill in the expanded form (scores over nope+rope, values over v_head_dim).
    Op core;
    core.name = op_names::kAttnCore;
    core.op_class = OpClass::kAttention;
    core.repeat = layers;
    core.dtype = dt;
    const double decode_flops = 2.0 * heads * (latent + a.kv_lora_rank) * b.decode_pairs / g;
    const double prefill_flops = 2.0 * heads * (qk + a.v_head_dim) * b.prefill_pairs / g;
    core.flops = Flops(decode_flops + prefill_flops);
    core.bytes = Bytes(b.kv_read_tokens / g * kv_bytes + t * heads * (latent + a.kv_lora_rank) *
                                                             kActBytes);
    core.m = t;
    core.n = b.kv_read_tokens / g;
    core.units = std::max(1.0, double(b.sequences) / g);  // one latent head per sequence
    ops.push_back(core);
    ops.push_back(gemm(op_names::kOutProj, t, m.hidden, heads * a.v_head_dim, w, dt,
                       OpScope::kPerLayer, layers));
  } else {
    const double kv_heads_local = std::max(1.0, double(m.kv_heads) / par.tp);
    ops.push_back(gemm(op_names::kQkvProj, t, (heads + 2.0 * kv_heads_local) * m.head_dim,
                       m.hidden, w, dt, OpScope::kPerLayer, layers));
    Op core;
    core.name = op_names::kAttnCore;
    core.op_class = OpClass::kAttention;
    core.repeat = layers;
    core.dtype = dt;
    core.flops = Flops(4.0 * heads * m.head_dim * (b.decode_pairs + b.prefill_pairs) / g);
    core.bytes = Bytes(b.kv_read_tokens / g * kv_bytes * (kv_heads_local / m.kv_heads) +
                       2.0 * t * heads * m.head_dim * kActBytes);
    core.m = t;
    core.n = b.kv_read_tokens / g;
    core.units = std::max(1.0, double(b.sequences) / g) * kv_heads_local;
    ops.push_back(core);
    ops.push_back(gemm(op_names::kOutProj, t, m.hidden, heads * m.head_dim, w, dt,
                       OpScope::kPerLayer, layers));
  }
  if (par.tp > 1) {
    ops.push_back(comm(op_names::kTpAttn, Collective::kAllReduce, t * m.hidden * kActBytes,
                       par.tp, layers));
  }
}

ExpertLoad add_moe(const ModelArch& m, const Parallel& par, const BatchShape& b,
                   const RoutingModel& routing, std::vector<Op>& ops) {
  const double layers = m.moe_layers();
  const double t = double(b.tokens) / par.dp;
  const double w = dtype_bytes(m.weight_dtype);
  // Router: gate GEMM (hidden x experts) on every device for its group's tokens.
  ops.push_back(gemm(op_names::kRouter, t, m.moe.experts, m.hidden, kActBytes, DType::kBf16,
                     OpScope::kPerLayer, layers));
  if (m.moe.shared_experts > 0) {
    ops.push_back(ffn(op_names::kSharedExperts, m, t,
                      double(m.moe.shared_expert_intermediate) * m.moe.shared_experts / par.tp,
                      layers));
  }
  // Routed experts over the whole instance's tokens; the busiest EP rank sets the time.
  // Redundant copies act as extra equally likely slots (the load of hot experts is split).
  MoeDims slots = m.moe;
  slots.experts += par.redundant_experts;
  const ExpertLoad load = routing.load(double(b.tokens), slots, par.ep);
  const double inter = double(m.moe.expert_intermediate) / par.expert_tp();
  const double mats = m.ffn_gated ? 3.0 : 2.0;
  Op ex;
  ex.name = op_names::kRoutedExperts;
  ex.op_class = OpClass::kGroupedGemm;
  ex.repeat = layers;
  ex.dtype = m.weight_dtype;
  ex.flops = Flops(2.0 * mats * m.hidden * inter * load.max_device_assignments);
  ex.bytes = Bytes(load.max_device_activated * mats * m.hidden * inter * w +
                   load.max_device_assignments * m.hidden * kActBytes * 2.0 +
                   load.max_device_assignments * inter * kActBytes * (mats - 1.0));
  ex.m = load.max_device_assignments;
  ex.n = load.max_device_activated;
  ex.k = inter;
  ops.push_back(ex);
  if (par.ep > 1) {
    // Received by the busiest rank: its token-expert pairs, minus the share that was local.
    const double remote = 1.0 - 1.0 / par.ep;
    const bool eight_bit = dtype_bytes(par.dispatch_dtype) <= 1.0;
    const double per_token = m.hidden * dtype_bytes(par.dispatch_dtype) +
                             (eight_bit ? par.dispatch_overhead_per_token.value() : 0.0);
    const double pairs = load.max_device_assignments;
    ops.push_back(comm(op_names::kDispatch, Collective::kAllToAll, pairs * per_token * remote,
                       par.devices(), layers));
    ops.push_back(comm(op_names::kCombine, Collective::kAllToAll,
                       pairs * m.hidden * kActBytes * remote, par.devices(), layers));
  } else if (par.tp > 1) {
    ops.push_back(comm(op_names::kTpMoe, Collective::kAllReduce, t * m.hidden * kActBytes,
                       par.tp, layers));
  }
  return load;
}

}  // namespace

ForwardOps build_forward_ops(const ModelArch& m, const Parallel& par, const BatchShape& b,
                             const RoutingModel* routing) {
  check_layout(m, par);
  ForwardOps out;
  auto& ops = out.ops;
  const double t = double(b.tokens) / par.dp;
  const double w = dtype_bytes(m.weight_dtype);
  ops.push_back(elementwise(op_names::kEmbedding, t * m.hidden * (w + kActBytes),
                            OpScope::kPerStep, 1));
  add_attention(m, par, b, ops);
  if (m.dense_layers() > 0) {
    ops.push_back(ffn(op_names::kDenseFfn, m, t, double(m.ffn_intermediate) / par.tp,
                      m.dense_layers()));
    if (par.tp > 1) {
      ops.push_back(comm(op_names::kTpFfn, Collective::kAllReduce, t * m.hidden * kActBytes,
                         par.tp, m.dense_layers()));
    }
  }
  if (m.is_moe()) {
    if (!routing) throw ConfigError("an MoE model needs a routing model");
    out.expert_load = add_moe(m, par, b, *routing, ops);
  }
  // Two RMSNorms and two residual adds per layer: ~6 activation reads/writes of H per token.
  ops.push_back(elementwise(op_names::kNorms, 6.0 * t * m.hidden * kActBytes, OpScope::kPerLayer,
                            m.layers));
  const double logits = double(b.logit_tokens) / par.dp;
  if (logits > 0) {
    ops.push_back(gemm(op_names::kLmHead, logits, double(m.vocab) / par.tp, m.hidden, w,
                       m.weight_dtype, OpScope::kPerStep, 1));
    // Softmax / top-p over fp32 logits: read and write once.
    ops.push_back(elementwise(op_names::kSampling, logits * m.vocab * 4.0 * 2.0,
                              OpScope::kPerStep, 1));
  }
  return out;
}

}  // namespace moesim
