// `sglang`: SGLang (v0.4 and later) with its overlap ("zero-overhead") batch scheduler, on by
// default: the scheduler runs one batch ahead, preparing the next batch's metadata while the GPU
// computes, and an Nsight profile of five consecutive decode batches shows no GPU idle time
// (LMSYS blog, "SGLang v0.4: Zero-Overhead Batch Scheduler, ...", 2024-12-04,
// https://lmsys.org/blog/2024-12-04-sglang-v0-4/): overlap = 1, so host work costs time only
// when it exceeds the step's GPU time. The host costs themselves are not published; they are
// the vllm_v1 figures (a guess: both engines keep a Python scheduler loop).
#include "sim/engine_overhead.hpp"

namespace moesim {

void register_sglang_engine(EngineOverheadRegistry& r) {
  LinearHostCosts d;
  d.per_step = 0.9766e-6;   // guess: vllm_v1's fitted value
  d.per_sequence = 25.9e-6;  // guess: vllm_v1's fitted value
  d.overlap = 1;           // LMSYS SGLang v0.4 blog: no GPU idle time between decode batches
  r.add({"sglang", "SGLang with the overlap scheduler: host time hidden behind the GPU",
         linear_engine_params(d),
         [](const ParamSet& p) { return std::make_unique<LinearEngineOverhead>(linear_costs(p)); }});
}

}  // namespace moesim
