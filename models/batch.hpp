// The work of one instance step, summarised so that its cost needs no per-sequence loop.
// Sequence i brings q_i new tokens over L_i tokens already in its KV cache.
#pragma once

#include <cstdint>

namespace moesim {

struct BatchShape {
  std::int64_t sequences = 0;
  std::int64_t tokens = 0;          // T = sum q_i
  std::int64_t prefill_tokens = 0;  // part of T that belongs to prefill chunks
  double kv_read_tokens = 0;        // sum (L_i + q_i): KV entries attention reads
  double decode_pairs = 0;          // sum over decode/verify sequences of q_i (L_i + (q_i+1)/2)
  double prefill_pairs = 0;         // same sum over prefill chunks (causal inside the chunk)
  std::int64_t logit_tokens = 0;    // tokens that need logits (decode/verify q_i, 1 per last chunk)

  // Adds a decode or verification sequence: q tokens over context L, all need logits.
  void add_decode(std::int64_t q, std::int64_t context);
  // Adds a prefill chunk of q tokens after `context` already-prefilled tokens; `last` chunks
  // produce the first output token's logits.
  void add_prefill(std::int64_t q, std::int64_t context, bool last);
  void add(const BatchShape& o);

  // B identical decode sequences of q tokens over context L.
  static BatchShape decode(std::int64_t batch, std::int64_t q, std::int64_t context);
};

}  // namespace moesim
