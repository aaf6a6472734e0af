// Parameter builders the workloads plug-ins need beyond models/params.hpp: required integers,
// texts and quantities, and flags. Each returns a ParamSpec ready for a registry entry.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "models/params.hpp"

namespace moesim {

// Upper bound of any token-count parameter (prompt, output, caps): 2^30 tokens.
inline constexpr std::int64_t kMaxTokenParam = std::int64_t{1} << 30;
// Upper bound of request counts and limits: 2^40 (about 1.1e12, a million times the largest
// trace measured in bench/), as the scenario's own large counts (prefix_cache_blocks).
inline constexpr std::int64_t kMaxCountParam = std::int64_t{1} << 40;

// An integer in [min, max] with no default.
inline ParamSpec required_integer_param(std::string name, std::int64_t min, std::int64_t max,
                                        std::string help) {
  ParamSpec s = integer_param(std::move(name), 0, min, max, std::move(help));
  s.default_value = std::monostate{};
  return s;
}

// Free text with no default (a file path).
inline ParamSpec required_string_param(std::string name, std::string help) {
  ParamSpec s = string_param(std::move(name), "", {}, std::move(help));
  s.default_value = std::monostate{};
  return s;
}

// A quantity of dimension `d` with no default, at least `min_si` (SI units).
inline ParamSpec required_quantity_param(std::string name, Dimension d, double min_si,
                                         std::string help) {
  ParamSpec s = quantity_param(std::move(name), d, 0.0, min_si, std::move(help));
  s.default_value = std::monostate{};
  return s;
}

// true|false with a default.
inline ParamSpec bool_param(std::string name, bool def, std::string help) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kBool;
  s.default_value = def;
  s.help = std::move(help);
  return s;
}

}  // namespace moesim
