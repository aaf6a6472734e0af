// Architecture of a (dense or MoE) transformer: what the cost model needs to count FLOPs and
// bytes. Filled from the catalog (models/catalog/models/*.yaml) or inline scenario data.
#pragma once

#include <string>

#include "models/precision.hpp"
#include "models/units.hpp"

namespace moesim {

enum class AttentionKind { kMha, kGqa, kMla };
[[nodiscard]] std::string_view attention_kind_name(AttentionKind k);

struct MlaDims {
  int q_lora_rank = 0;  // 0: queries are not compressed
  int kv_lora_rank = 512;
  int qk_nope_head_dim = 128;
  int qk_rope_head_dim = 64;
  int v_head_dim = 128;
};

struct MoeDims {
  int experts = 0;  // routed experts E; 0 = dense model
  int top_k = 0;    // K
  int expert_intermediate = 0;
  int shared_experts = 0;
  int shared_expert_intermediate = 0;  // of one shared expert
  int groups = 1;                      // MoGE groups (1 = plain top-K)
  int first_dense_layers = 0;
};

struct ModelArch {
  std::string name;
  std::string description;
  int layers = 0;
  int hidden = 0;
  int heads = 0;
  int kv_heads = 0;
  int head_dim = 0;
  AttentionKind attention = AttentionKind::kGqa;
  MlaDims mla;
  int ffn_intermediate = 0;
  bool ffn_gated = true;
  MoeDims moe;
  int vocab = 0;
  bool tie_embeddings = false;
  Precision precision;  // number format of every tensor (models/precision.hpp)
  int mtp_layers = 0;

  [[nodiscard]] bool is_moe() const { return moe.experts > 0; }
  [[nodiscard]] int moe_layers() const { return is_moe() ? layers - moe.first_dense_layers : 0; }
  [[nodiscard]] int dense_layers() const { return layers - moe_layers(); }

  // KV-cache bytes one token occupies in one layer (all heads, unsharded):
  // MHA/GQA 2 * kv_heads * head_dim * kv_bytes; MLA (kv_lora_rank + rope_dim) * kv_bytes, with
  // kv_bytes from precision.kv_cache.
  [[nodiscard]] Bytes kv_bytes_per_token_layer() const;
  [[nodiscard]] Bytes kv_bytes_per_token() const { return kv_bytes_per_token_layer() * layers; }

  // Parameter counts (elements).
  [[nodiscard]] double attention_params_per_layer() const;
  [[nodiscard]] double dense_ffn_params_per_layer() const;
  [[nodiscard]] double expert_params() const;         // one routed expert
  [[nodiscard]] double shared_expert_params() const;  // all shared experts of one layer
  [[nodiscard]] double router_params() const { return double(hidden) * moe.experts; }
  [[nodiscard]] double embedding_params() const;  // input embedding + LM head
  [[nodiscard]] double total_params() const;
  [[nodiscard]] double activated_params() const;  // per token
  // Stored weight bytes: linear layers at precision.weights (scales included, see
  // weight_element_bytes), embeddings and LM head at precision.embeddings, router gates at 16 bits.
  [[nodiscard]] Bytes weight_bytes() const;
};

}  // namespace moesim
