// Engine-overhead plug-ins (scenario key `serving.engine`): the host (CPU) time a serving
// engine spends around each step (scheduling, input preparation, sampling bookkeeping,
// detokenization and streaming) and how much of it the engine hides behind the accelerator's
// work (async / overlap scheduling). Domain types only: no YAML, no SimGrid.
//
// A step's simulated duration is   accelerator time + exposed host time,   where
//   host    = the plug-in's host_time(work)
//   hidden  = min(overlap x host, accelerator time)   (work can hide only behind GPU work)
//   exposed = host - hidden.
// `none` (the default) has no host time, so every step lasts exactly its accelerator time.
#pragma once

#include <cstdint>

#include "models/registry.hpp"
#include "models/units.hpp"

namespace moesim {

// What the host handles in one step (counted when the step is planned).
struct StepWork {
  std::int64_t sequences = 0;         // sequences in the batch
  std::int64_t scheduled_tokens = 0;  // tokens computed (T = sum q_i)
  std::int64_t prefill_tokens = 0;    // of which prompt tokens
  std::int64_t output_tokens = 0;     // tokens handed to users (sampled, detokenized, streamed):
                                      // one per decoding sequence and per finished prompt
};

struct HostTime {
  Seconds total{0};    // host work of the step
  Seconds exposed{0};  // the part not hidden behind the accelerator (added to the step)
};

class EngineOverhead {
 public:
  virtual ~EngineOverhead() = default;
  // Host time of one step (>= 0).
  [[nodiscard]] virtual Seconds host_time(const StepWork& w) const = 0;
  // Fraction of the host time the engine can run while the accelerator works, in [0, 1].
  [[nodiscard]] virtual double overlap() const = 0;
  // Host time and its exposed part for a step whose accelerator time is `gpu` (formula above).
  [[nodiscard]] HostTime apply(const StepWork& w, Seconds gpu) const;
};

using EngineOverheadRegistry = Registry<EngineOverhead>;
// none, mindie, sglang, vllm_v1.
[[nodiscard]] const EngineOverheadRegistry& engine_overheads();

// The linear host-time model every preset uses:
//   host = per_step + per_sequence x sequences + per_token x scheduled tokens
//          + per_output_token x output tokens.
struct LinearHostCosts {
  double per_step = 0;          // seconds
  double per_sequence = 0;      // seconds per sequence
  double per_token = 0;         // seconds per scheduled token
  double per_output_token = 0;  // seconds per output token
  double overlap = 0;           // [0, 1]
};

class LinearEngineOverhead final : public EngineOverhead {
 public:
  explicit LinearEngineOverhead(LinearHostCosts c) : c_(c) {}
  [[nodiscard]] Seconds host_time(const StepWork& w) const override;
  [[nodiscard]] double overlap() const override { return c_.overlap; }
  [[nodiscard]] const LinearHostCosts& costs() const { return c_; }

 private:
  LinearHostCosts c_;
};

// The parameter declarations of a linear preset with these defaults (one place for names,
// ranges and help; each preset's file gives its defaults and their sources).
[[nodiscard]] std::vector<ParamSpec> linear_engine_params(const LinearHostCosts& defaults);
// Reads the parameters declared by linear_engine_params.
[[nodiscard]] LinearHostCosts linear_costs(const ParamSet& p);

}  // namespace moesim
