// vLLM-like continuous batching. With chunked prefill: decodes first, then running prefill
// chunks, then FCFS admissions, all within max_num_batched_tokens. Without: a step is either
// prefill-only (admissions take priority, whole prompts) or decode-only. Two vLLM V1 admission
// rules are options: reserve_full_prompt (scheduler_reserve_full_isl) and, when
// admit_after_preemption is false, no admissions in a step that preempted.
#include "sim/scheduler.hpp"

namespace moesim {
namespace {
class VllmScheduler final : public Scheduler {
 public:
  VllmScheduler(std::int64_t max_seqs, std::int64_t max_tokens, bool chunked, bool full_prompt,
                bool admit_after_preemption)
      : max_seqs_(max_seqs),
        max_tokens_(max_tokens),
        chunked_(chunked),
        full_prompt_(full_prompt),
        admit_after_preemption_(admit_after_preemption) {}
  void plan(SchedulerView& v, StepPlan& out) override {
    using namespace scheduling;
    if (chunked_) {
      std::int64_t used = schedule_decodes(v, out, max_tokens_);
      used += continue_prefills(v, out, max_tokens_ - used, true);
      if (admit_after_preemption_ || out.preempted.empty())
        admit(v, out, max_tokens_ - used, max_seqs_, true, full_prompt_);
      return;
    }
    admit(v, out, max_tokens_, max_seqs_, false, full_prompt_);
    if (out.items.empty()) schedule_decodes(v, out, max_tokens_);
  }

 private:
  std::int64_t max_seqs_, max_tokens_;
  bool chunked_, full_prompt_, admit_after_preemption_;
};
}  // namespace

void register_vllm_scheduler(SchedulerRegistry& r) {
  r.add({"vllm",
         "continuous batching with FCFS admission and (optionally) chunked prefill",
         {integer_param("max_num_seqs", 256, 1, 1 << 20, "most sequences in one step"),
          integer_param("max_num_batched_tokens", 8192, 1, 1 << 30, "most tokens in one step"),
          bool_param("chunked_prefill", true, "mix prefill chunks with decodes in one step"),
          bool_param("reserve_full_prompt", false,
                     "admit a request only when KV blocks for its whole prompt are free (vLLM "
                     "V1 scheduler_reserve_full_isl, on by default in vLLM 0.19)"),
          bool_param("admit_after_preemption", true,
                     "admit waiting requests in a step that preempted (false: vLLM V1, which "
                     "admits none then)")},
         [](const ParamSet& p) {
           return std::make_unique<VllmScheduler>(
               p.integer("max_num_seqs"), p.integer("max_num_batched_tokens"),
               p.flag("chunked_prefill"), p.flag("reserve_full_prompt"),
               p.flag("admit_after_preemption"));
         }});
}

}  // namespace moesim
