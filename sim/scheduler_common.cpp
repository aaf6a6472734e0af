#include <algorithm>

#include "sim/scheduler.hpp"

namespace moesim::scheduling {

void preempt(SchedulerView& v, Sequence* s, StepPlan& out) {
  // Recompute: everything in KV plus the last emitted token is prefilled again.
  const bool decoding = !s->prefilling();
  s->to_prefill += s->context + (decoding ? 1 : 0);
  if (decoding) s->generated -= 1;  // that token is emitted again when the prefill completes
  s->context = 0;
  v.kv.release_preempted(*s);
  s->preemptions += 1;
  v.running.erase(std::find(v.running.begin(), v.running.end(), s));
  v.waiting.push_front(s);
  out.preempted.push_back(s);
}

std::int64_t schedule_decodes(SchedulerView& v, StepPlan& out, std::int64_t budget) {
  std::int64_t used = 0;
  for (std::size_t i = 0; i < v.running.size(); ++i) {
    Sequence* s = v.running[i];
    if (s->prefilling()) continue;
    const std::int64_t q = std::min<std::int64_t>(v.decode_q, std::max<std::int64_t>(1, s->remaining_output()));
    if (used + q > budget) break;
    bool self_preempted = false;
    while (!v.kv.reserve(*s, s->context + q)) {
      Sequence* victim = v.running.back();
      if (victim == s) {
        preempt(v, s, out);
        self_preempted = true;
        break;
      }
      preempt(v, victim, out);
    }
    if (self_preempted) break;  // s was the last running sequence
    out.items.push_back({s, q, false});
    used += q;
  }
  return used;
}

namespace {
std::int64_t chunk_for(const Sequence& s, std::int64_t budget, bool chunked, bool batch_empty) {
  if (chunked) return std::min(s.to_prefill, budget);
  // Whole prompts only; one longer than the budget still runs alone.
  if (s.to_prefill <= budget || batch_empty) return s.to_prefill;
  return 0;
}
}  // namespace

std::int64_t continue_prefills(SchedulerView& v, StepPlan& out, std::int64_t budget,
                               bool chunked) {
  std::int64_t used = 0;
  for (Sequence* s : v.running) {
    if (!s->prefilling() || used >= budget) continue;
    const std::int64_t chunk = chunk_for(*s, budget - used, chunked, out.items.empty());
    if (chunk <= 0 || !v.kv.reserve(*s, s->context + chunk)) continue;
    out.items.push_back({s, chunk, true});
    used += chunk;
  }
  return used;
}

std::int64_t admit(SchedulerView& v, StepPlan& out, std::int64_t budget, std::int64_t max_seqs,
                   bool chunked, bool full_prompt) {
  std::int64_t used = 0;
  while (!v.waiting.empty() && std::int64_t(v.running.size()) < max_seqs && used < budget) {
    Sequence* s = v.waiting.front();
    if (!s->prefilling()) {
      // Arrived with its KV cache (a disaggregated decode instance): it decodes at once.
      const std::int64_t q =
          std::min<std::int64_t>(v.decode_q, std::max<std::int64_t>(1, s->remaining_output()));
      if (used + q > budget || !v.kv.reserve(*s, s->context + q)) break;
      v.waiting.pop_front();
      s->admitted_order = v.admissions++;
      v.running.push_back(s);
      out.items.push_back({s, q, false});
      used += q;
      continue;
    }
    std::int64_t chunk = chunk_for(*s, budget - used, chunked, out.items.empty());
    if (chunk <= 0) break;
    if (full_prompt && !v.kv.can_reserve(*s, s->context + s->to_prefill)) break;
    // A preempted sequence whose blocks are still cached resumes after them (at least its last
    // token is computed again, as in vLLM).
    const std::int64_t hit =
        std::min(v.kv.reclaim(*s) * v.kv.block_size(), s->context + s->to_prefill - 1);
    if (hit > s->context) {
      s->to_prefill -= hit - s->context;
      s->context = hit;
      chunk = std::min(chunk, s->to_prefill);
    }
    if (!v.kv.reserve(*s, s->context + chunk)) {  // FCFS: head blocks
      if (s->kv_blocks > 0) {
        s->to_prefill += s->context;
        s->context = 0;
        v.kv.release_preempted(*s);
      }
      break;
    }
    v.waiting.pop_front();
    s->admitted_order = v.admissions++;
    v.running.push_back(s);
    out.items.push_back({s, chunk, true});
    used += chunk;
  }
  return used;
}

}  // namespace moesim::scheduling
