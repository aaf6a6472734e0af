// vLLM-like continuous batching. With chunked prefill: decodes first, then running prefill
// chunks, then FCFS admissions, all within max_num_batched_tokens. Without: a step is either
// prefill-only (admissions take priority, whole prompts) or decode-only.
#include "sim/scheduler.hpp"

namespace moesim {
namespace {
class VllmScheduler final : public Scheduler {
 public:
  VllmScheduler(std::int64_t max_seqs, std::int64_t max_tokens, bool chunked)
      : max_seqs_(max_seqs), max_tokens_(max_tokens), chunked_(chunked) {}
  void plan(SchedulerView& v, StepPlan& out) override {
    using namespace scheduling;
    if (chunked_) {
      std::int64_t used = schedule_decodes(v, out, max_tokens_);
      used += continue_prefills(v, out, max_tokens_ - used, true);
      admit(v, out, max_tokens_ - used, max_seqs_, true);
      return;
    }
    admit(v, out, max_tokens_, max_seqs_, false);
    if (out.items.empty()) schedule_decodes(v, out, max_tokens_);
  }

 private:
  std::int64_t max_seqs_, max_tokens_;
  bool chunked_;
};
}  // namespace

void register_vllm_scheduler(SchedulerRegistry& r) {
  r.add({"vllm",
         "continuous batching with FCFS admission and (optionally) chunked prefill",
         {integer_param("max_num_seqs", 256, 1, 1 << 20, "most sequences in one step"),
          integer_param("max_num_batched_tokens", 8192, 1, 1 << 30, "most tokens in one step"),
          bool_param("chunked_prefill", true, "mix prefill chunks with decodes in one step")},
         [](const ParamSet& p) {
           return std::make_unique<VllmScheduler>(p.integer("max_num_seqs"),
                                                  p.integer("max_num_batched_tokens"),
                                                  p.flag("chunked_prefill"));
         }});
}

}  // namespace moesim
