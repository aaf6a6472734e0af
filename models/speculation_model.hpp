// Speculation-method plug-ins: what it costs to propose gamma draft tokens per sequence
// (a draft model, an MTP or EAGLE head, or n-gram lookup), and the analytic step arithmetic of
// speculative decoding (docs/equations.md).
#pragma once

#include "models/acceptance_model.hpp"
#include "models/step_cost.hpp"

namespace moesim {

struct DraftInputs {
  const BatchShape& decode;           // the sequences that speculate, q = 1 each
  int gamma;                          // draft tokens per sequence
  const StepCostCalculator& target;   // prices the target model
  const StepCostCalculator* draft;    // the draft model, when the method uses one
};

class SpeculationModel {
 public:
  virtual ~SpeculationModel() = default;
  // Time to draft gamma tokens for every sequence of in.decode. Throws ConfigError when a
  // needed input (a draft model) is missing.
  [[nodiscard]] virtual Seconds draft_time(const DraftInputs& in) const = 0;
  [[nodiscard]] virtual bool needs_draft_model() const { return false; }
};

using SpeculationRegistry = Registry<SpeculationModel>;
[[nodiscard]] const SpeculationRegistry& speculation_methods();

// Rejection sampling: read target and draft probabilities for every verified position. It runs
// on each attention data-parallel rank for that rank's sequences (decode.sequences / par.dp, the
// even split the forward ops use), over the vocabulary shard of its tp group (vocab / par.tp).
[[nodiscard]] Op rejection_sampling_op(const ModelArch& target, const BatchShape& decode,
                                       int gamma, const Parallel& par);

// One speculative decoding round for B sequences at context L, and the figures MoESD reports.
struct SpeculationAnalysis {
  Seconds target_q1{0};      // T_T(B, 1)
  Seconds target_verify{0};  // T_T(B, gamma+1)
  Seconds draft{0};          // gamma draft steps (or head passes)
  Seconds rejection{0};
  double target_efficiency = 0;  // T_T(B,1) / T_T(B,gamma+1)
  double expected_emitted = 0;   // tau
  double speedup = 0;            // tau * T_T(B,1) / (draft + T_T(B,gamma+1) + rejection)
};

[[nodiscard]] SpeculationAnalysis analyse_speculation(const StepCostCalculator& target,
                                                      const SpeculationModel& method,
                                                      const StepCostCalculator* draft,
                                                      const AcceptanceModel& acceptance,
                                                      std::int64_t batch, std::int64_t context,
                                                      int gamma);

}  // namespace moesim
