// The list of built-in scheduler policies.
#include "sim/scheduler.hpp"

namespace moesim {

void register_vllm_scheduler(SchedulerRegistry&);
void register_decode_priority_scheduler(SchedulerRegistry&);
void register_static_scheduler(SchedulerRegistry&);

const SchedulerRegistry& schedulers() {
  static const SchedulerRegistry registry = [] {
    SchedulerRegistry r("scheduler");
    register_vllm_scheduler(r);
    register_decode_priority_scheduler(r);
    register_static_scheduler(r);
    return r;
  }();
  return registry;
}

}  // namespace moesim
