// Decode priority: running sequences decode undisturbed; new prompts are prefilled (whole, in
// a prefill-only step) only when the running batch has fallen below refill_fraction of
// max_num_seqs, or nothing runs.
#include "sim/scheduler.hpp"

namespace moesim {
namespace {
class DecodePriorityScheduler final : public Scheduler {
 public:
  DecodePriorityScheduler(std::int64_t max_seqs, std::int64_t max_tokens, double refill)
      : max_seqs_(max_seqs), max_tokens_(max_tokens), refill_(refill) {}
  void plan(SchedulerView& v, StepPlan& out) override {
    using namespace scheduling;
    const bool refill = double(v.running.size()) < refill_ * double(max_seqs_);
    if (refill || v.running.empty()) admit(v, out, max_tokens_, max_seqs_, false);
    if (out.items.empty()) schedule_decodes(v, out, max_tokens_);
  }

 private:
  std::int64_t max_seqs_, max_tokens_;
  double refill_;
};
}  // namespace

void register_decode_priority_scheduler(SchedulerRegistry& r) {
  r.add({"decode_priority",
         "decode steps first; prefill whole prompts only when the batch falls below "
         "refill_fraction * max_num_seqs",
         {integer_param("max_num_seqs", 256, 1, 1 << 20, "most sequences in one step"),
          integer_param("max_num_batched_tokens", 8192, 1, 1 << 30, "most tokens in one step"),
          number_param("refill_fraction", 0.5, 0.0, 1.0,
                       "admit new prompts when running < refill_fraction * max_num_seqs")},
         [](const ParamSet& p) {
           return std::make_unique<DecodePriorityScheduler>(p.integer("max_num_seqs"),
                                                            p.integer("max_num_batched_tokens"),
                                                            p.number("refill_fraction"));
         }});
}

}  // namespace moesim
