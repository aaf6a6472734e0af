// `vllm_v1`: vLLM's V1 engine (0.8 and later; fitted on 0.19.0). The V1 blog (vLLM team,
// "vLLM V1: A Major Upgrade to vLLM's Core Architecture", 2025-01-27,
// https://blog.vllm.ai/2025/01/27/v1-alpha-release.html) names the host work around each model
// step (scheduling, preparing inputs, detokenizing outputs, streaming) and notes that on an
// H100 a Llama-8B step takes as little as ~5 ms of GPU time, so the host work is a visible share.
// The constants below are FITTED, not measured per component: `moesim fidelity --serving DIR
// --fit-engine` on the two vLLM 0.19.0 Llama-3.1-8B runs in data/serving-runs/vllm-0.19
// (rtx4090-llama-3.1-8b and rtxpro6000-llama-3.1-8b, both at once; README "Accuracy", serving
// runs, has the leave-one-run-out check). They absorb whatever the catalog roofline misses on
// those GPUs, so refit them when the kernel cost model changes.
#include "sim/engine_overhead.hpp"

namespace moesim {

void register_vllm_v1_engine(EngineOverheadRegistry& r) {
  LinearHostCosts d;
  d.per_step = 0;          // fitted on both runs (--fit-engine): nothing
  d.per_sequence = 22.45e-6;  // fitted on both runs (--fit-engine)
  d.per_token = 0;           // not fitted: the runs do not separate it from per_sequence
  d.per_output_token = 0;    // not fitted: one output token per sequence and step here
  d.overlap = 0;             // not fitted (poorly identified: fits give 0.23-0.52 with other
                             // per_sequence values and the same error); 0 = nothing hidden
  r.add({"vllm_v1", "vLLM V1 engine host time per step (fitted on vLLM 0.19 serving runs)",
         linear_engine_params(d),
         [](const ParamSet& p) { return std::make_unique<LinearEngineOverhead>(linear_costs(p)); }});
}

}  // namespace moesim
