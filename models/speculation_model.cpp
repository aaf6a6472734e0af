#include "models/speculation_model.hpp"

namespace moesim {

Op rejection_sampling_op(const ModelArch& target, const BatchShape& decode, int gamma,
                         const Parallel& par) {
  Op op = make_op(OpKind::kRejection);
  op.op_class = OpClass::kElementwise;
  op.scope = OpScope::kPerStep;
  // Target probabilities at gamma+1 positions and draft probabilities at gamma, fp32, for the
  // sequences of one attention data-parallel rank: each rank verifies its own sequences.
  op.dtype = kLogitsDType;
  op.bytes = Bytes(double(decode.sequences) / par.dp * (2.0 * gamma + 1.0) * target.vocab *
                   dtype_bytes(kLogitsDType) / par.tp);
  op.m = op.bytes.value();
  return op;
}

SpeculationAnalysis analyse_speculation(const StepCostCalculator& target,
                                        const SpeculationModel& method,
                                        const StepCostCalculator* draft,
                                        const AcceptanceModel& acceptance, std::int64_t batch,
                                        std::int64_t context, int gamma) {
  SpeculationAnalysis a;
  const BatchShape q1 = BatchShape::decode(batch, 1, context);
  const BatchShape verify = BatchShape::decode(batch, gamma + 1, context);
  a.target_q1 = target.time(q1);
  a.target_verify = target.time(verify);
  a.draft = method.draft_time({q1, gamma, target, draft});
  a.rejection =
      target.price(rejection_sampling_op(target.model(), q1, gamma, target.parallel())).time;
  a.target_efficiency = a.target_q1 / a.target_verify;
  a.expected_emitted = acceptance.expected_emitted(gamma);
  a.speedup = a.expected_emitted * a.target_q1.value() /
              (a.draft + a.target_verify + a.rejection).value();
  return a;
}

}  // namespace moesim
