// Numeric formats of weights, activations and KV cache.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moesim {

enum class DType { kFp32, kBf16, kFp16, kFp8, kInt8, kInt4 };

// Bytes per element (0.5 for int4).
[[nodiscard]] double dtype_bytes(DType t);
[[nodiscard]] std::string_view dtype_name(DType t);
[[nodiscard]] std::optional<DType> parse_dtype(std::string_view name);
[[nodiscard]] const std::vector<std::string>& dtype_names();

}  // namespace moesim
