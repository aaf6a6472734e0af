#include "models/precision.hpp"

#include <array>

namespace moesim {
namespace {

struct Scheme {
  std::string_view name;
  DType weights, activations;
};

constexpr std::array<Scheme, 6> kSchemes{{{"bf16", DType::kBf16, DType::kBf16},
                                          {"fp16", DType::kFp16, DType::kFp16},
                                          {"fp8", DType::kFp8, DType::kFp8},
                                          {"w8a8", DType::kInt8, DType::kInt8},
                                          {"w8a16", DType::kInt8, DType::kBf16},
                                          {"w4a16", DType::kInt4, DType::kBf16}}};

// int4 weights: one fp16 scale per group of 128 (GPTQ / AWQ default group size).
constexpr double kInt4GroupSize = 128.0;
constexpr double kInt4ScaleBytes = 2.0;

}  // namespace

DType default_activations(DType weights) {
  return dtype_bytes(weights) >= 1.0 ? weights : DType::kBf16;
}

DType default_embeddings(DType weights) {
  return dtype_bytes(weights) >= 2.0 ? weights : DType::kBf16;
}

DType default_attention(DType kv_cache) {
  return dtype_bytes(kv_cache) >= 2.0 ? kv_cache : DType::kBf16;
}

DType gemm_compute_dtype(DType weights, DType activations) {
  return dtype_bytes(weights) > dtype_bytes(activations) ? weights : activations;
}

double weight_element_bytes(DType t) {
  const double b = dtype_bytes(t);
  return t == DType::kInt4 ? b + kInt4ScaleBytes / kInt4GroupSize : b;
}

const std::vector<std::string>& precision_field_names() {
  static const std::vector<std::string> names{"weights",   "activations", "embeddings", "kv_cache",
                                              "attention", "dispatch",    "combine"};
  return names;
}

std::optional<DType>* precision_field(PrecisionChoice& c, std::string_view name) {
  std::optional<DType>* fields[] = {&c.weights,   &c.activations, &c.embeddings, &c.kv_cache,
                                    &c.attention, &c.dispatch,    &c.combine};
  const auto& names = precision_field_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return fields[i];
  }
  return nullptr;
}

std::vector<std::pair<std::string, DType>> precision_entries(const Precision& p) {
  const DType values[] = {p.weights,   p.activations, p.embeddings, p.kv_cache,
                          p.attention, p.dispatch,    p.combine};
  std::vector<std::pair<std::string, DType>> out;
  const auto& names = precision_field_names();
  for (std::size_t i = 0; i < names.size(); ++i) out.emplace_back(names[i], values[i]);
  return out;
}

Precision apply_precision(const Precision& base, const PrecisionChoice& c) {
  Precision p = base;
  if (c.weights) {
    p.weights = *c.weights;
    p.activations = default_activations(p.weights);
    p.embeddings = default_embeddings(p.weights);
  }
  if (c.activations) p.activations = *c.activations;
  if (c.embeddings) p.embeddings = *c.embeddings;
  if (c.kv_cache) {
    p.kv_cache = *c.kv_cache;
    p.attention = default_attention(p.kv_cache);
  }
  if (c.attention) p.attention = *c.attention;
  if (c.dispatch) p.dispatch = *c.dispatch;
  if (c.combine) p.combine = *c.combine;
  return p;
}

std::optional<std::pair<DType, DType>> parse_precision_scheme(std::string_view name) {
  for (const auto& s : kSchemes) {
    if (s.name == name) return std::make_pair(s.weights, s.activations);
  }
  return std::nullopt;
}

const std::vector<std::string>& precision_scheme_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& s : kSchemes) v.emplace_back(s.name);
    return v;
  }();
  return names;
}

}  // namespace moesim
