#include "models/batch.hpp"

namespace moesim {

void BatchShape::add_decode(std::int64_t q, std::int64_t context) {
  sequences += 1;
  tokens += q;
  kv_read_tokens += double(context + q);
  decode_pairs += double(q) * (double(context) + double(q + 1) / 2.0);
  logit_tokens += q;
}

void BatchShape::add_prefill(std::int64_t q, std::int64_t context, bool last) {
  sequences += 1;
  tokens += q;
  prefill_tokens += q;
  kv_read_tokens += double(context + q);
  prefill_pairs += double(q) * (double(context) + double(q + 1) / 2.0);
  logit_tokens += last ? 1 : 0;
}

void BatchShape::add(const BatchShape& o) {
  sequences += o.sequences;
  tokens += o.tokens;
  prefill_tokens += o.prefill_tokens;
  kv_read_tokens += o.kv_read_tokens;
  decode_pairs += o.decode_pairs;
  prefill_pairs += o.prefill_pairs;
  logit_tokens += o.logit_tokens;
}

BatchShape BatchShape::decode(std::int64_t batch, std::int64_t q, std::int64_t context) {
  BatchShape b;
  for (std::int64_t i = 0; i < batch; ++i) b.add_decode(q, context);
  return b;
}

}  // namespace moesim
