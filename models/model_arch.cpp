#include "models/model_arch.hpp"

namespace moesim {

std::string_view attention_kind_name(AttentionKind k) {
  switch (k) {
    case AttentionKind::kMha: return "mha";
    case AttentionKind::kGqa: return "gqa";
    case AttentionKind::kMla: return "mla";
  }
  return "?";
}

Bytes ModelArch::kv_bytes_per_token_layer() const {
  const double b = dtype_bytes(precision.kv_cache);
  if (attention == AttentionKind::kMla) {
    return Bytes(double(mla.kv_lora_rank + mla.qk_rope_head_dim) * b);
  }
  return Bytes(2.0 * kv_heads * head_dim * b);
}

double ModelArch::attention_params_per_layer() const {
  const double h = hidden;
  if (attention == AttentionKind::kMla) {
    const double qk_dim = mla.qk_nope_head_dim + mla.qk_rope_head_dim;
    const double q = mla.q_lora_rank > 0
                         ? h * mla.q_lora_rank + double(mla.q_lora_rank) * heads * qk_dim
                         : h * heads * qk_dim;
    const double kv_a = h * (mla.kv_lora_rank + mla.qk_rope_head_dim);
    const double kv_b = double(mla.kv_lora_rank) * heads * (mla.qk_nope_head_dim + mla.v_head_dim);
    const double o = double(heads) * mla.v_head_dim * h;
    return q + kv_a + kv_b + o;
  }
  return h * (double(heads) + 2.0 * kv_heads) * head_dim + double(heads) * head_dim * h;
}

double ModelArch::dense_ffn_params_per_layer() const {
  return (ffn_gated ? 3.0 : 2.0) * hidden * ffn_intermediate;
}

double ModelArch::expert_params() const {
  return (ffn_gated ? 3.0 : 2.0) * hidden * moe.expert_intermediate;
}

double ModelArch::shared_expert_params() const {
  return (ffn_gated ? 3.0 : 2.0) * hidden * double(moe.shared_expert_intermediate) *
         moe.shared_experts;
}

double ModelArch::embedding_params() const {
  return double(vocab) * hidden * (tie_embeddings ? 1.0 : 2.0);
}

double ModelArch::total_params() const {
  const double attn = attention_params_per_layer() * layers;
  const double dense = dense_ffn_params_per_layer() * dense_layers();
  const double moe_part =
      (expert_params() * moe.experts + shared_expert_params() + router_params()) * moe_layers();
  return attn + dense + moe_part + embedding_params();
}

double ModelArch::activated_params() const {
  const double attn = attention_params_per_layer() * layers;
  const double dense = dense_ffn_params_per_layer() * dense_layers();
  const double moe_part =
      (expert_params() * moe.top_k + shared_expert_params() + router_params()) * moe_layers();
  return attn + dense + moe_part + embedding_params();
}

Bytes ModelArch::weight_bytes() const {
  const double router = router_params() * moe_layers();
  const double linear = total_params() - embedding_params() - router;
  return Bytes(linear * weight_element_bytes(precision.weights) +
               embedding_params() * weight_element_bytes(precision.embeddings) +
               router * dtype_bytes(kStreamDType));
}

}  // namespace moesim
