// Speculation-policy plug-ins (`speculative.policy`): the draft length of each step.
//   fixed:    every step drafts `gamma` tokens per decoding sequence (the scenario's gamma).
//   adaptive: before each step, the draft length g in [min_gamma, gamma] that maximises the
//             expected output tokens per second of the step's decodes, from the cost model and
//             the acceptance model:
//               rate(0) = B / T(B, 1)
//               rate(g) = B * tau(g) / (T(B, g+1) + draft(B, g) + rejection(B, g)),
//             B the decoding sequences, tau(g) = 1 + E[accepted | g] (the acceptance model),
//             T(B, q) the target step with q tokens per sequence. Ties go to the shorter draft.
// No YAML, no SimGrid: the caller prices the candidates (sim/instance.cpp).
#pragma once

#include <functional>

#include "models/registry.hpp"

namespace moesim {

class SpeculationPolicy {
 public:
  virtual ~SpeculationPolicy() = default;
  // The draft length for one step, in [0, max_gamma]; `rate(g)` is the expected output tokens
  // per second of the step's decodes at draft length g (called only by policies that price).
  [[nodiscard]] virtual int choose(int max_gamma, const std::function<double(int)>& rate) const = 0;
  // Whether choose() calls `rate` (the caller prices candidate steps only then).
  [[nodiscard]] virtual bool prices_candidates() const = 0;
};

using SpeculationPolicyRegistry = Registry<SpeculationPolicy>;
[[nodiscard]] const SpeculationPolicyRegistry& speculation_policies();

// The g in [lo, hi] with the highest rate(g); the smallest such g on ties. lo <= hi.
[[nodiscard]] int best_draft_length(int lo, int hi, const std::function<double(int)>& rate);

}  // namespace moesim
