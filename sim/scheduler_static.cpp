// Static batching (to reproduce papers): wait for batch_size requests (or the end of the
// arrivals), prefill them together, decode until every one has finished, repeat.
#include "sim/scheduler.hpp"

namespace moesim {
namespace {
class StaticScheduler final : public Scheduler {
 public:
  explicit StaticScheduler(std::int64_t batch) : batch_(batch) {}
  void plan(SchedulerView& v, StepPlan& out) override {
    using namespace scheduling;
    if (v.running.empty()) {
      const bool full = std::int64_t(v.waiting.size()) >= batch_;
      if (!full && v.more_arrivals) return;
      admit(v, out, std::int64_t(1) << 62, batch_, false);
      if (!out.items.empty()) return;
    }
    if (continue_prefills(v, out, std::int64_t(1) << 62, false) > 0) return;
    schedule_decodes(v, out, std::int64_t(1) << 62);
  }

 private:
  std::int64_t batch_;
};
}  // namespace

void register_static_scheduler(SchedulerRegistry& r) {
  r.add({"static", "fixed batches: prefill batch_size requests together, decode them to the end",
         {integer_param("batch_size", 8, 1, 1 << 20, "requests per batch")},
         [](const ParamSet& p) {
           return std::make_unique<StaticScheduler>(p.integer("batch_size"));
         }});
}

}  // namespace moesim
