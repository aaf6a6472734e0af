// Device memory: weights per device under a parallel layout, and KV-cache bytes per token.
#pragma once

#include "models/model_arch.hpp"
#include "models/parallel.hpp"

namespace moesim {

// Weight bytes held by one device: attention, dense FFN, shared experts and embeddings are
// split over tp (replicated over dp); routed experts are split over all devices of the instance
// (ep ranks x expert-TP); routers are replicated. `extra_moe_layers` adds MTP modules. Formats:
// linear layers at precision.weights, embeddings and LM head at precision.embeddings, routers at
// 16 bits.
[[nodiscard]] Bytes weights_per_device(const ModelArch& m, const Parallel& par,
                                       int extra_moe_layers = 0);

// KV-cache bytes one token of one sequence occupies on each device that holds it:
// MHA/GQA heads are split over tp (at least one head per device); MLA's latent is replicated.
// Element size from precision.kv_cache.
[[nodiscard]] Bytes kv_bytes_per_token_per_device(const ModelArch& m, const Parallel& par);

}  // namespace moesim
