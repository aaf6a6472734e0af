#include "models/step_ops.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>
#include <string>

#include "models/errors.hpp"

namespace moesim {
namespace {

// Bytes of the residual stream (GEMM outputs, norms, residual adds, TP all-reduce payload).
const double kStreamBytes = dtype_bytes(kStreamDType);

// Formats of a family of GEMMs: stored bytes per weight, bytes per input activation, and the
// compute dtype that selects the peak.
struct Linear {
  double w;
  double a;
  DType compute;
};

Linear linear_layers(const Precision& p) {
  return {weight_element_bytes(p.weights), dtype_bytes(p.activations),
          gemm_compute_dtype(p.weights, p.activations)};
}

// The LM head: weights at the embeddings' format, inputs as that format's default activations
// (a 16-bit head takes the 16-bit stream; an 8-bit one quantised inputs).
Linear lm_head_layer(const Precision& p) {
  const DType a = default_activations(p.embeddings);
  return {weight_element_bytes(p.embeddings), dtype_bytes(a), gemm_compute_dtype(p.embeddings, a)};
}

// The router gate stays at 16 bits whatever the scheme.
const Linear kRouterLayer{dtype_bytes(kStreamDType), dtype_bytes(kStreamDType), kStreamDType};

// A GEMM of M tokens through a K x N weight (FLOPs 2MNK; bytes: weights, input activations,
// output in the stream format).
Op gemm(OpKind kind, double m, double n, double k, const Linear& f, OpScope scope,
        double repeat) {
  Op op = make_op(kind);
  op.op_class = OpClass::kGemm;
  op.scope = scope;
  op.repeat = repeat;
  op.flops = Flops(2.0 * m * n * k);
  op.bytes = Bytes(n * k * f.w + m * k * f.a + m * n * kStreamBytes);
  op.dtype = f.compute;
  op.m = m;
  op.n = n;
  op.k = k;
  return op;
}

Op comm(OpKind kind, Collective c, double message, int group, double repeat, DType dtype) {
  Op op = collective_op(c, Bytes(message), group);
  op.kind = kind;
  op.name = op_kind_name(kind);
  op.repeat = repeat;
  op.dtype = dtype;
  return op;
}

Op elementwise(OpKind kind, double bytes, OpScope scope, double repeat, DType dtype) {
  Op op = make_op(kind);
  op.op_class = OpClass::kElementwise;
  op.scope = scope;
  op.repeat = repeat;
  op.bytes = Bytes(bytes);
  op.dtype = dtype;
  op.m = bytes;
  return op;
}

// Bytes of a gated (3 matrices) or plain (2) FFN's activations for `tokens` tokens: the hidden
// input (activation format) and output (stream), and the intermediate passed to the down
// projection (activation format) once per matrix after the first.
double ffn_activation_bytes(const ModelArch& m, const Linear& f, double tokens, double inter) {
  const double mats = m.ffn_gated ? 3.0 : 2.0;
  return tokens * m.hidden * (f.a + kStreamBytes) + tokens * inter * f.a * (mats - 1.0);
}

// Gated (3 matrices) or plain (2) FFN of M tokens, intermediate `inter` on this device.
Op ffn(OpKind kind, const ModelArch& m, double tokens, double inter, double repeat) {
  const double mats = m.ffn_gated ? 3.0 : 2.0;
  const Linear f = linear_layers(m.precision);
  Op op = make_op(kind);
  op.op_class = OpClass::kGemm;
  op.repeat = repeat;
  op.flops = Flops(2.0 * mats * m.hidden * inter * tokens);
  op.bytes = Bytes(mats * m.hidden * inter * f.w + ffn_activation_bytes(m, f, tokens, inter));
  op.dtype = f.compute;
  op.m = tokens;
  op.n = inter;
  op.k = m.hidden;
  return op;
}

// Bytes per token of an EP payload in `dtype`: H elements, plus the per-token scales of 8-bit
// formats.
double ep_bytes_per_token(const ModelArch& m, const Parallel& par, DType dtype) {
  const double b = dtype_bytes(dtype);
  return m.hidden * b + (b <= 1.0 ? par.dispatch_overhead_per_token.value() : 0.0);
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
  const Linear f = linear_layers(m.precision);
  const double layers = m.layers;
  const double kv_bytes = m.kv_bytes_per_token_layer().value();  // precision.kv_cache
  const double att_bytes = dtype_bytes(m.precision.attention);   // queries and outputs

  if (m.attention == AttentionKind::kMla) {
    const auto& a = m.mla;
    const double qk = a.qk_nope_head_dim + a.qk_rope_head_dim;
    // Queries: optional low-rank compression, then per-head up-projection (sharded over TP).
    Op q = a.q_lora_rank > 0
               ? gemm(OpKind::kQProj, t, a.q_lora_rank + heads * qk, m.hidden, f,
                      OpScope::kPerLayer, layers)
               : gemm(OpKind::kQProj, t, heads * qk, m.hidden, f, OpScope::kPerLayer, layers);
    if (a.q_lora_rank > 0) {  // two GEMMs: H -> q_lora (full), q_lora -> heads*qk (sharded)
      q.flops = Flops(2.0 * t * (double(m.hidden) * a.q_lora_rank + a.q_lora_rank * heads * qk));
      q.bytes = Bytes((double(m.hidden) * a.q_lora_rank + a.q_lora_rank * heads * qk) * f.w +
                      t * ((double(m.hidden) + a.q_lora_rank) * f.a + heads * qk * kStreamBytes));
    }
    ops.push_back(q);
    // KV: compress to the latent (replicated), plus the absorbed per-head up-projections
    // (W_UK into the query for decode, W_UV onto the output), whose weights are read once.
    const double latent = a.kv_lora_rank + a.qk_rope_head_dim;
    const double absorbed = heads * a.kv_lora_rank * (a.qk_nope_head_dim + a.v_head_dim);
    Op kv = gemm(OpKind::kKvProj, t, latent, m.hidden, f, OpScope::kPerLayer, layers);
    kv.flops = kv.flops + Flops(2.0 * t * absorbed);
    kv.bytes = kv.bytes + Bytes(absorbed * f.w);
    ops.push_back(kv);
    // Core: decode in the absorbed latent form (scores over kv_lora+rope, values over kv_lora);
    // prefill in the expanded form (scores over nope+rope, values over v_head_dim).
    Op core = make_op(OpKind::kAttnCore);
    core.op_class = OpClass::kAttention;
    core.repeat = layers;
    core.dtype = m.precision.attention;
    const double decode_flops = 2.0 * heads * (latent + a.kv_lora_rank) * b.decode_pairs / g;
    const double prefill_flops = 2.0 * heads * (qk + a.v_head_dim) * b.prefill_pairs / g;
    core.flops = Flops(decode_flops + prefill_flops);
    core.bytes =
        Bytes(b.kv_read_tokens / g * kv_bytes + t * heads * (latent + a.kv_lora_rank) * att_bytes);
    core.m = t;
    core.n = b.kv_read_tokens / g;
    core.units = std::max(1.0, double(b.sequences) / g);  // one latent head per sequence
    ops.push_back(core);
    ops.push_back(
        gemm(OpKind::kOutProj, t, m.hidden, heads * a.v_head_dim, f, OpScope::kPerLayer, layers));
  } else {
    const double kv_heads_local = std::max(1.0, double(m.kv_heads) / par.tp);
    ops.push_back(gemm(OpKind::kQkvProj, t, (heads + 2.0 * kv_heads_local) * m.head_dim, m.hidden,
                       f, OpScope::kPerLayer, layers));
    Op core = make_op(OpKind::kAttnCore);
    core.op_class = OpClass::kAttention;
    core.repeat = layers;
    core.dtype = m.precision.attention;
    core.flops = Flops(4.0 * heads * m.head_dim * (b.decode_pairs + b.prefill_pairs) / g);
    core.bytes = Bytes(b.kv_read_tokens / g * kv_bytes * (kv_heads_local / m.kv_heads) +
                       2.0 * t * heads * m.head_dim * att_bytes);
    core.m = t;
    core.n = b.kv_read_tokens / g;
    core.units = std::max(1.0, double(b.sequences) / g) * kv_heads_local;
    ops.push_back(core);
    ops.push_back(
        gemm(OpKind::kOutProj, t, m.hidden, heads * m.head_dim, f, OpScope::kPerLayer, layers));
  }
  // RoPE on the new queries and keys, and the new keys and values copied into the paged cache:
  // read and write once each.
  const double rope_dims = m.attention == AttentionKind::kMla
                               ? heads * m.mla.qk_rope_head_dim + m.mla.qk_rope_head_dim
                               : (heads + std::max(1.0, double(m.kv_heads) / par.tp)) * m.head_dim;
  const double kv_local = m.attention == AttentionKind::kMla
                              ? kv_bytes
                              : kv_bytes * std::max(1.0, double(m.kv_heads) / par.tp) / m.kv_heads;
  ops.push_back(elementwise(OpKind::kKvWrite, 2.0 * t * (kv_local + rope_dims * att_bytes),
                            OpScope::kPerLayer, layers, m.precision.kv_cache));
  if (par.tp > 1) {
    ops.push_back(comm(OpKind::kTpAttn, Collective::kAllReduce, t * m.hidden * kStreamBytes,
                       par.tp, layers, kStreamDType));
  }
}

const DispatchModel& default_dispatch() {
  static const std::unique_ptr<DispatchModel> pairwise = dispatch_models().create("pairwise", {});
  return *pairwise;
}

ExpertLoad add_moe(const ModelArch& m, const Parallel& par, const BatchShape& b,
                   const RoutingModel& routing, const DispatchModel* dispatch,
                   std::vector<Op>& ops) {
  const double layers = m.moe_layers();
  const double t = double(b.tokens) / par.dp;
  const Linear f = linear_layers(m.precision);
  // Router: gate GEMM (hidden x experts) on every device for its group's tokens.
  ops.push_back(gemm(OpKind::kRouter, t, m.moe.experts, m.hidden, kRouterLayer,
                     OpScope::kPerLayer, layers));
  // Top-k over the gate's logits (read once; fp32 weight and int32 expert id written per pair),
  // then the pairs sorted by expert and the activations gathered into expert order, and after
  // the experts the k outputs of each token summed back with their weights (stream format).
  const double k = m.moe.top_k;
  ops.push_back(elementwise(OpKind::kTopK, t * (m.moe.experts * kStreamBytes + k * 8.0),
                            OpScope::kPerLayer, layers, kStreamDType));
  ops.push_back(elementwise(OpKind::kPermute,
                            t * k * (8.0 + 2.0 * m.hidden * f.a),
                            OpScope::kPerLayer, layers, m.precision.activations));
  ops.push_back(elementwise(OpKind::kUnpermute, t * (k + 1.0) * m.hidden * kStreamBytes + t * k * 4.0,
                            OpScope::kPerLayer, layers, kStreamDType));
  if (m.moe.shared_experts > 0) {
    ops.push_back(ffn(OpKind::kSharedExperts, m, t,
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
  Op ex = make_op(OpKind::kRoutedExperts);
  ex.op_class = OpClass::kGroupedGemm;
  ex.repeat = layers;
  ex.dtype = f.compute;
  ex.flops = Flops(2.0 * mats * m.hidden * inter * load.max_device_assignments);
  ex.bytes = Bytes(load.max_device_activated * mats * m.hidden * inter * f.w +
                   ffn_activation_bytes(m, f, load.max_device_assignments, inter));
  ex.m = load.max_device_assignments;
  ex.n = load.max_device_activated;
  ex.k = inter;
  ops.push_back(ex);
  if (par.ep > 1) {
    // What the busiest rank sends, by the deployment's dispatch mode (pairwise: its token-expert
    // pairs, minus the share that was local).
    const DispatchModel& mode = dispatch ? *dispatch : default_dispatch();
    DispatchInput in;
    in.tokens = double(b.tokens);
    in.experts = slots.experts;
    in.top_k = m.moe.top_k;
    in.ep = par.ep;
    in.devices = par.devices();
    in.devices_per_node = par.devices_per_node;
    in.max_pairs = load.max_device_assignments;
    in.mean_pairs = load.mean_device_assignments;
    const Precision& p = m.precision;
    for (auto [kind, dtype] : {std::pair{OpKind::kDispatch, p.dispatch},
                               std::pair{OpKind::kCombine, p.combine}}) {
      in.bytes_per_token = ep_bytes_per_token(m, par, dtype);
      const DispatchModel::Call c = mode.call(in);
      Op op = comm(kind, Collective::kAllToAll, c.message.value(), par.devices(), layers, dtype);
      op.call = c.call;
      op.hidden_behind_experts = c.hidden_behind_experts;
      ops.push_back(op);
    }
  } else if (par.tp > 1) {
    ops.push_back(comm(OpKind::kTpMoe, Collective::kAllReduce, t * m.hidden * kStreamBytes,
                       par.tp, layers, kStreamDType));
  }
  return load;
}

}  // namespace

bool op_is_rank_local(const Op& op) {
  return op.kind != OpKind::kRoutedExperts && op.kind != OpKind::kDispatch &&
         op.kind != OpKind::kCombine;
}

bool op_in_moe_block(const Op& op) {
  return op_block(op.kind) == OpBlock::kMoe && op.collective == Collective::kNone;
}

ForwardOps build_forward_ops(const ModelArch& m, const Parallel& par, const BatchShape& b,
                             const RoutingModel* routing, const DispatchModel* dispatch) {
  check_layout(m, par);
  ForwardOps out;
  auto& ops = out.ops;
  const double t = double(b.tokens) / par.dp;
  const Precision& p = m.precision;
  // Embedding lookup: one table row per token in, one stream vector out.
  ops.push_back(elementwise(OpKind::kEmbedding,
                            t * m.hidden * (weight_element_bytes(p.embeddings) + kStreamBytes),
                            OpScope::kPerStep, 1, p.embeddings));
  add_attention(m, par, b, ops);
  if (m.dense_layers() > 0) {
    ops.push_back(
        ffn(OpKind::kDenseFfn, m, t, double(m.ffn_intermediate) / par.tp, m.dense_layers()));
    if (par.tp > 1) {
      ops.push_back(comm(OpKind::kTpFfn, Collective::kAllReduce, t * m.hidden * kStreamBytes,
                         par.tp, m.dense_layers(), kStreamDType));
    }
  }
  if (m.is_moe()) {
    if (!routing) throw ConfigError("an MoE model needs a routing model");
    out.expert_load = add_moe(m, par, b, *routing, dispatch, ops);
  }
  // Two RMSNorms and two residual adds per layer: ~6 activation reads/writes of H per token.
  ops.push_back(elementwise(OpKind::kNorms, 6.0 * t * m.hidden * kStreamBytes, OpScope::kPerLayer,
                            m.layers, kStreamDType));
  const double logits = double(b.logit_tokens) / par.dp;
  if (logits > 0) {
    ops.push_back(gemm(OpKind::kLmHead, logits, double(m.vocab) / par.tp, m.hidden,
                       lm_head_layer(p), OpScope::kPerStep, 1));
    // Softmax / top-p over fp32 logits: read and write once.
    ops.push_back(elementwise(OpKind::kSampling,
                              logits * m.vocab * dtype_bytes(kLogitsDType) * 2.0, OpScope::kPerStep,
                              1, kLogitsDType));
  }
  return out;
}

}  // namespace moesim
