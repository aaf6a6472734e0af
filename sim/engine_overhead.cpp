// The engine-overhead arithmetic shared by every preset, and the list of built-in presets.
#include "sim/engine_overhead.hpp"

#include <algorithm>

namespace moesim {

HostTime EngineOverhead::apply(const StepWork& w, Seconds gpu) const {
  HostTime h;
  h.total = Seconds(std::max(0.0, host_time(w).value()));
  // Work done while the accelerator runs cannot outlast it: the rest waits on the host.
  const double hidden = std::min(overlap() * h.total.value(), std::max(0.0, gpu.value()));
  h.exposed = Seconds(h.total.value() - hidden);
  return h;
}

Seconds LinearEngineOverhead::host_time(const StepWork& w) const {
  return Seconds(c_.per_step + c_.per_sequence * double(w.sequences) +
                 c_.per_token * double(w.scheduled_tokens) +
                 c_.per_output_token * double(w.output_tokens));
}

std::vector<ParamSpec> linear_engine_params(const LinearHostCosts& d) {
  return {quantity_param("per_step", Dimension::kTime, d.per_step, 0.0,
                         "fixed host time per step (scheduler loop, launch, synchronisation)"),
          quantity_param("per_sequence", Dimension::kTime, d.per_sequence, 0.0,
                         "host time per sequence in the batch (scheduling, block tables, inputs)"),
          quantity_param("per_token", Dimension::kTime, d.per_token, 0.0,
                         "host time per scheduled token (positions, slot mapping)"),
          quantity_param("per_output_token", Dimension::kTime, d.per_output_token, 0.0,
                         "host time per output token (sampling bookkeeping, detokenize, stream)"),
          number_param("overlap", d.overlap, 0.0, 1.0,
                       "fraction of the host time run while the accelerator works (async "
                       "scheduling); hidden time never exceeds the step's accelerator time")};
}

LinearHostCosts linear_costs(const ParamSet& p) {
  LinearHostCosts c;
  c.per_step = p.number("per_step");
  c.per_sequence = p.number("per_sequence");
  c.per_token = p.number("per_token");
  c.per_output_token = p.number("per_output_token");
  c.overlap = p.number("overlap");
  return c;
}

void register_none_engine(EngineOverheadRegistry&);
void register_vllm_v1_engine(EngineOverheadRegistry&);
void register_sglang_engine(EngineOverheadRegistry&);
void register_mindie_engine(EngineOverheadRegistry&);

const EngineOverheadRegistry& engine_overheads() {
  static const EngineOverheadRegistry registry = [] {
    EngineOverheadRegistry r("engine");
    register_none_engine(r);
    register_vllm_v1_engine(r);
    register_sglang_engine(r);
    register_mindie_engine(r);
    return r;
  }();
  return registry;
}

}  // namespace moesim
