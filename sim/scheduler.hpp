// Scheduler plug-ins: which sequences run in the next step of an instance, with how many new
// tokens each, under the batch limits and the KV cache (docs/design.md section 5).
#pragma once

#include <deque>
#include <vector>

#include "models/registry.hpp"
#include "sim/kv_cache.hpp"

namespace moesim {

struct StepItem {
  Sequence* seq = nullptr;
  std::int64_t q = 0;  // new tokens computed this step
  bool prefill = false;
};

struct StepPlan {
  std::vector<StepItem> items;
  std::vector<Sequence*> preempted;  // moved back to waiting (recompute) this step
  void clear() {
    items.clear();
    preempted.clear();
  }
};

struct SchedulerView {
  std::deque<Sequence*>& waiting;   // FCFS order
  std::vector<Sequence*>& running;  // admission order
  KvCache& kv;
  std::int64_t decode_q;  // tokens a decoding sequence computes per step (gamma + 1)
  bool more_arrivals;     // whether requests may still arrive
  std::int64_t& admissions;  // admission counter of the instance
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Fills `out` (cleared by the caller); an empty plan means the instance idles until an
  // arrival. Reserves KV blocks for the tokens it schedules; preempts (recompute) when a running
  // sequence cannot grow.
  virtual void plan(SchedulerView& v, StepPlan& out) = 0;
};

using SchedulerRegistry = Registry<Scheduler>;
[[nodiscard]] const SchedulerRegistry& schedulers();

// Shared mechanics for the policies.
namespace scheduling {
// Schedules every decoding running sequence (q = decode_q, capped by what it still needs),
// preempting the latest-admitted sequences when the KV cache is short. Returns tokens used.
std::int64_t schedule_decodes(SchedulerView& v, StepPlan& out, std::int64_t budget);
// Continues chunked prefills of running sequences within `budget`. Returns tokens used.
std::int64_t continue_prefills(SchedulerView& v, StepPlan& out, std::int64_t budget, bool chunked);
// Admits waiting sequences in FCFS order while seats, budget and KV allow. Returns tokens used.
// full_prompt: admit a sequence only when the blocks for its whole prompt (all tokens it still
// has to prefill) are free, not merely those for its first chunk (vLLM V1's
// scheduler_reserve_full_isl); only the chunk is reserved either way.
std::int64_t admit(SchedulerView& v, StepPlan& out, std::int64_t budget, std::int64_t max_seqs,
                   bool chunked, bool full_prompt = false);
// Moves `s` from running back to waiting (front), freeing its KV: recompute later.
void preempt(SchedulerView& v, Sequence* s, StepPlan& out);
}  // namespace scheduling

}  // namespace moesim
