#include "models/memory.hpp"

#include <algorithm>

namespace moesim {

Bytes weights_per_device(const ModelArch& m, const Parallel& par, int extra_moe_layers) {
  const double tp = par.tp;
  const double moe_layers = m.moe_layers() + extra_moe_layers;
  // Elements by stored format: linear layers at the weights' format, embeddings and LM head at
  // theirs, router gates at 16 bits (step_ops.cpp reads them in the same formats).
  double linear = m.attention_params_per_layer() * (m.layers + extra_moe_layers) / tp;
  linear += m.dense_ffn_params_per_layer() * m.dense_layers() / tp;
  double router = 0;
  if (m.is_moe()) {
    linear += m.shared_expert_params() * moe_layers / tp;
    linear += m.expert_params() * (m.moe.experts + par.redundant_experts) * moe_layers /
              par.devices();
    router = m.router_params() * moe_layers;
  }
  const double embeddings = m.embedding_params() / tp;
  return Bytes(linear * weight_element_bytes(m.precision.weights) +
               embeddings * weight_element_bytes(m.precision.embeddings) +
               router * dtype_bytes(kStreamDType));
}

Bytes kv_bytes_per_token_per_device(const ModelArch& m, const Parallel& par) {
  if (m.attention == AttentionKind::kMla) return m.kv_bytes_per_token();
  const double local_heads = std::max(1.0, double(m.kv_heads) / par.tp);
  return m.kv_bytes_per_token() * (local_heads / m.kv_heads);
}

}  // namespace moesim
