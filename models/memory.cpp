#include "models/memory.hpp"

#include <algorithm>

namespace moesim {

Bytes weights_per_device(const ModelArch& m, const Parallel& par, int extra_moe_layers) {
  const double tp = par.tp;
  const double moe_layers = m.moe_layers() + extra_moe_layers;
  double elems = m.attention_params_per_layer() * (m.layers + extra_moe_layers) / tp;
  elems += m.dense_ffn_params_per_layer() * m.dense_layers() / tp;
  elems += m.embedding_params() / tp;
  if (m.is_moe()) {
    elems += m.shared_expert_params() * moe_layers / tp;
    elems += m.router_params() * moe_layers;
    elems += m.expert_params() * (m.moe.experts + par.redundant_experts) * moe_layers /
             par.devices();
  }
  return Bytes(elems * dtype_bytes(m.weight_dtype));
}

Bytes kv_bytes_per_token_per_device(const ModelArch& m, const Parallel& par) {
  if (m.attention == AttentionKind::kMla) return m.kv_bytes_per_token();
  const double local_heads = std::max(1.0, double(m.kv_heads) / par.tp);
  return m.kv_bytes_per_token() * (local_heads / m.kv_heads);
}

}  // namespace moesim
