// Per-component seeded random streams. A stream's seed derives from (root seed, stable component
// name), never from creation order, so adding a component never shifts another's draws.
#pragma once

#include <cstdint>
#include <string_view>

namespace moesim {

// FNV-1a of the name mixed into the root seed with SplitMix64.
[[nodiscard]] std::uint64_t derive_seed(std::uint64_t root, std::string_view component);

// xoshiro256** generator; identical sequences on every platform.
class RandomStream {
 public:
  explicit RandomStream(std::uint64_t seed);
  RandomStream(std::uint64_t root, std::string_view component)
      : RandomStream(derive_seed(root, component)) {}
  std::uint64_t next_u64();
  double uniform();  // [0, 1) with 53 random bits
  double exponential(double mean);
  double normal();  // standard normal (Box-Muller, no cached second value)

 private:
  std::uint64_t s_[4];
};

}  // namespace moesim
