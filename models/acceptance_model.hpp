// Acceptance-model plug-ins: how many of gamma drafted tokens the target accepts in one
// verification round. Everything derives from the distribution over 0..gamma accepted tokens.
#pragma once

#include <vector>

#include "models/registry.hpp"
#include "models/rng.hpp"

namespace moesim {

class AcceptanceModel {
 public:
  virtual ~AcceptanceModel() = default;
  // P(exactly n drafted tokens accepted), n = 0..gamma; sums to 1. gamma >= 0.
  [[nodiscard]] virtual std::vector<double> accepted_distribution(int gamma) const = 0;

  // Expected tokens emitted per round, including the bonus token: 1 + E[accepted].
  [[nodiscard]] double expected_emitted(int gamma) const;
  // Draws an accepted count from `dist` (a distribution returned above) with one uniform draw.
  [[nodiscard]] static int sample(const std::vector<double>& dist, RandomStream& rng);
};

using AcceptanceRegistry = Registry<AcceptanceModel>;
[[nodiscard]] const AcceptanceRegistry& acceptance_models();

// tau(gamma, alpha) = (1 - alpha^(gamma+1)) / (1 - alpha) (Leviathan et al. 2023).
[[nodiscard]] double iid_expected_emitted(int gamma, double alpha);

}  // namespace moesim
