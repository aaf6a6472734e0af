// Number formats of a deployed model, tensor by tensor: which dtype each operator's bytes and
// arithmetic follow (table in models/README.md, "Precision"). A value type with no YAML: the
// scenario loader fills it from `model.precision` (and the older `weight_dtype` / `kv_dtype`).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/dtype.hpp"

namespace moesim {

struct Precision {
  // Linear-layer weights: attention projections, dense FFN, shared and routed experts.
  DType weights = DType::kBf16;
  // Inputs of those GEMMs (quantised before the GEMM for W8A8 / FP8 schemes).
  DType activations = DType::kBf16;
  // Embedding table and LM head weights (kept at 16 bits by the usual quantisation recipes).
  DType embeddings = DType::kBf16;
  DType kv_cache = DType::kBf16;
  // Arithmetic of the attention core (QK^T and softmax x V) and its query/output traffic.
  DType attention = DType::kBf16;
  DType dispatch = DType::kBf16;  // EP dispatch payload (tokens sent to their experts)
  DType combine = DType::kBf16;   // EP combine payload (expert outputs sent back)

  bool operator==(const Precision&) const = default;
};

// Formats no precision key changes: the residual stream (norms, residual adds, GEMM outputs,
// TP all-reduce payload) and the MoE router gate run at 16 bits; sampling reads fp32 logits.
inline constexpr DType kStreamDType = DType::kBf16;
inline constexpr DType kLogitsDType = DType::kFp32;

// Defaults that follow another field when it is written without them:
// activations follow 8-bit or wider weights (W8A8, FP8) and are bf16 for int4 weights (W4A16);
[[nodiscard]] DType default_activations(DType weights);
// embeddings follow 16-bit or wider weights and stay bf16 when the weights are 8- or 4-bit;
[[nodiscard]] DType default_embeddings(DType weights);
// attention computes at a 16-bit or wider KV format and at bf16 over an 8- or 4-bit KV cache
// (values are up-converted as they are read).
[[nodiscard]] DType default_attention(DType kv_cache);

// Compute dtype of a GEMM: the wider of its two operands, the activations on a tie. W8A8 and
// FP8 run at the 8-bit peak; W8A16 and W4A16 at the 16-bit peak (weights up-converted). A dtype
// the hardware has no peak for is priced at its bf16 peak (Hardware::peak_for).
[[nodiscard]] DType gemm_compute_dtype(DType weights, DType activations);

// Stored bytes per weight element, scales included: int4 carries one 16-bit scale per group of
// 128 weights (0.5 + 2/128 = 0.515625 B); other formats' per-channel or per-block scales add
// under 0.1% and are not counted.
[[nodiscard]] double weight_element_bytes(DType t);

// What one layer of a model description writes (a preset, then a scenario's overrides); unset
// fields keep the value below.
struct PrecisionChoice {
  std::optional<DType> weights{}, activations{}, embeddings{}, kv_cache{}, attention{}, dispatch{},
      combine{};
};

// The fields by name, in declaration order ("weights", ..., "combine"), and the member of `c`
// a name selects (nullptr for an unknown name).
[[nodiscard]] const std::vector<std::string>& precision_field_names();
[[nodiscard]] std::optional<DType>* precision_field(PrecisionChoice& c, std::string_view name);

// Every field of `p` as (name, dtype), in the order of precision_field_names().
[[nodiscard]] std::vector<std::pair<std::string, DType>> precision_entries(const Precision& p);

// `base` with `c` written over it. A field written takes its value; `activations` and
// `embeddings` not written follow a written `weights`, `attention` not written follows a written
// `kv_cache` (the defaults above).
[[nodiscard]] Precision apply_precision(const Precision& base, const PrecisionChoice& c);

// Named schemes (weights x activations): bf16, fp16, fp8 (W8A8 fp8), w8a8 (int8 x int8),
// w8a16 (int8 weights), w4a16 (int4 weights).
[[nodiscard]] std::optional<std::pair<DType, DType>> parse_precision_scheme(std::string_view name);
[[nodiscard]] const std::vector<std::string>& precision_scheme_names();

}  // namespace moesim
