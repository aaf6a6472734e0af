#include "models/dtype.hpp"

#include <array>
#include <utility>

namespace moesim {
namespace {
constexpr std::array<std::pair<DType, std::string_view>, 6> kNames{{{DType::kFp32, "fp32"},
                                                                    {DType::kBf16, "bf16"},
                                                                    {DType::kFp16, "fp16"},
                                                                    {DType::kFp8, "fp8"},
                                                                    {DType::kInt8, "int8"},
                                                                    {DType::kInt4, "int4"}}};
}  // namespace

double dtype_bytes(DType t) {
  switch (t) {
    case DType::kFp32: return 4.0;
    case DType::kBf16:
    case DType::kFp16: return 2.0;
    case DType::kFp8:
    case DType::kInt8: return 1.0;
    case DType::kInt4: return 0.5;
  }
  return 2.0;
}

std::string_view dtype_name(DType t) {
  for (const auto& [d, n] : kNames) {
    if (d == t) return n;
  }
  return "?";
}

std::optional<DType> parse_dtype(std::string_view name) {
  for (const auto& [d, n] : kNames) {
    if (n == name) return d;
  }
  return std::nullopt;
}

const std::vector<std::string>& dtype_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& kv : kNames) v.emplace_back(kv.second);
    return v;
  }();
  return names;
}

}  // namespace moesim
