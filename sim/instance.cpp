#include "sim/instance.hpp"

#include <algorithm>
#include <cstring>

namespace moesim {

Instance::Instance(int index, std::shared_ptr<const StepCostCalculator> target,
                   std::unique_ptr<Scheduler> scheduler, KvCache kv, SpeculationSetup spec,
                   InstanceRole role, std::shared_ptr<const EngineOverhead> engine)
    : index_(index),
      role_(role),
      target_(std::move(target)),
      scheduler_(std::move(scheduler)),
      kv_(kv),
      spec_(std::move(spec)),
      engine_(std::move(engine)) {}

void Instance::enqueue(Sequence* s) {
  s->instance = index_;
  s->counted_tokens = 0;
  recount(*s);
  waiting_.push_back(s);
}

void Instance::recount(Sequence& s) {
  const std::int64_t now = s.to_prefill + s.remaining_output();
  outstanding_ += now - s.counted_tokens;
  s.counted_tokens = now;
}

void Instance::uncount(Sequence& s) {
  outstanding_ -= s.counted_tokens;
  s.counted_tokens = 0;
}

const std::vector<double>& Instance::acceptance_for(int gamma) {
  auto it = acceptance_cache_.find(gamma);
  if (it == acceptance_cache_.end()) {
    it = acceptance_cache_.emplace(gamma, spec_.acceptance->accepted_distribution(gamma)).first;
  }
  return it->second;
}

bool Instance::start_step(Seconds now, bool more_arrivals) {
  if (busy_) return true;
  plan_.clear();
  SchedulerView view{waiting_, running_, kv_, std::int64_t(spec_.gamma) + 1, more_arrivals,
                     admissions_};
  const std::int64_t admitted_before = admissions_;
  scheduler_->plan(view, plan_);
  preemptions_ += std::int64_t(plan_.preempted.size());
  // Planning changes the counts of the sequences it preempts (recompute), of those it admits
  // (cached blocks reclaimed), appended to running_, and at most of the head of the queue (an
  // admission that gave its blocks back); nothing else. Recounting them keeps the total exact in
  // O(changes), not O(running) per step.
  for (Sequence* s : plan_.preempted) recount(*s);
  const std::size_t admitted =
      std::min(running_.size(), std::size_t(admissions_ - admitted_before));
  for (std::size_t k = running_.size() - admitted; k < running_.size(); ++k) recount(*running_[k]);
  if (!waiting_.empty()) recount(*waiting_.front());
  if (plan_.items.empty()) return false;
  for (const StepItem& it : plan_.items) {
    if (it.prefill && it.seq->prefill_start.value() < 0) it.seq->prefill_start = now;
  }
  record_ = StepRecord{};
  record_.instance = index_;
  record_.start = now;
  record_.duration = price_step();
  busy_ = true;
  step_end_ = now + record_.duration;
  return true;
}

Seconds Instance::price_step() {
  BatchShape batch, decode_q1, decode_plain;
  StepWork work;
  for (const StepItem& it : plan_.items) {
    const Sequence& s = *it.seq;
    if (it.prefill) {
      batch.add_prefill(it.q, s.context, it.q == s.to_prefill);
      record_.prefill_tokens += it.q;
      if (it.q == s.to_prefill) work.output_tokens += 1;  // the prompt's last chunk samples
    } else {
      batch.add_decode(it.q, s.context);
      decode_q1.add_decode(1, s.context);
      record_.decode_sequences += 1;
      work.output_tokens += 1;
    }
  }
  record_.sequences = std::int64_t(plan_.items.size());
  record_.tokens = batch.tokens;
  const StepCost cost = target_->evaluate(batch);
  Seconds total = cost.total;
  for (const auto& p : cost.ops) {
    const Seconds t = p.total();
    if (p.op.collective != Collective::kNone) record_.communication += t;
    else if (p.op.op_class == OpClass::kAttention || std::strncmp(p.op.name, "attn", 4) == 0)
      record_.attention += t;
    else if (p.op.op_class == OpClass::kGroupedGemm) record_.experts += t;
    else if (std::strcmp(p.op.name, op_names::kDenseFfn) == 0 ||
             std::strcmp(p.op.name, op_names::kSharedExperts) == 0 ||
             std::strcmp(p.op.name, op_names::kRouter) == 0)
      record_.ffn += t;
    else record_.other += t;
  }
  if (spec_.gamma > 0 && decode_q1.sequences > 0) {
    const DraftInputs in{decode_q1, spec_.gamma, *target_, spec_.draft.get()};
    record_.draft = spec_.method->draft_time(in);
    const Op rej = rejection_sampling_op(target_->model(), decode_q1, spec_.gamma,
                                         target_->parallel());
    record_.draft += target_->price(rej).time;
    total += record_.draft;
    // Target efficiency at this batch: decoding the same sequences one token each, alone.
    BatchShape verify_only;
    for (const StepItem& it : plan_.items) {
      if (!it.prefill) verify_only.add_decode(it.q, it.seq->context);
    }
    record_.target_efficiency = target_->time(decode_q1) / target_->time(verify_only);
  }
  if (engine_) {
    work.sequences = record_.sequences;
    work.scheduled_tokens = record_.tokens;
    work.prefill_tokens = record_.prefill_tokens;
    record_.host = engine_->apply(work, total).exposed;
    total += record_.host;
  }
  return total;
}

void Instance::finish_step(Seconds now, std::vector<Sequence*>& finished,
                           std::vector<Sequence*>* handed_off) {
  busy_ = false;
  itl_samples_.clear();
  for (const StepItem& it : plan_.items) {
    Sequence& s = *it.seq;
    std::int64_t emitted = 0;
    if (it.prefill) {
      s.context += it.q;
      s.to_prefill -= it.q;
      if (s.to_prefill == 0) {
        emitted = 1;  // the last chunk yields the next token
        if (s.prefill_end.value() < 0) s.prefill_end = now;
      }
    } else if (spec_.gamma > 0) {
      const int drafted = int(it.q) - 1;
      const int accepted = drafted > 0 ? AcceptanceModel::sample(acceptance_for(drafted), s.rng) : 0;
      s.spec_rounds += 1;
      s.accepted_drafts += accepted;
      emitted = accepted + 1;
      s.context += 1 + accepted;
    } else {
      s.context += 1;
      emitted = 1;
    }
    emitted = std::min(emitted, s.remaining_output());
    // Disaggregated serving: the prefill's token is delivered with the first decode step.
    const bool hold_first = role_ == InstanceRole::kPrefill && s.remaining_output() > emitted;
    if (role_ == InstanceRole::kDecode && !s.delivered_first) {
      s.delivered_first = true;
      s.first_token = now;
      s.last_token = now;
    } else if (emitted > 0 && !hold_first) {
      if (s.first_token.value() < 0) s.first_token = now;
      else {
        const double gap = (now - s.last_token).value();
        s.max_itl = std::max(s.max_itl, gap);
        itl_samples_.push_back(gap);
      }
      s.last_token = now;
    }
    if (emitted > 0) {
      s.generated += emitted;
      record_.emitted_tokens += emitted;
    }
    recount(s);
    if (s.remaining_output() <= 0) {
      if (s.first_token.value() < 0) s.first_token = now;
      s.finish = now;
      kv_.release(s);
      uncount(s);
      running_.erase(std::find(running_.begin(), running_.end(), &s));
      finished.push_back(&s);
    } else if (role_ == InstanceRole::kPrefill && !s.prefilling() && handed_off) {
      uncount(s);
      running_.erase(std::find(running_.begin(), running_.end(), &s));
      handed_off->push_back(&s);
    }
  }
  record_.kv_blocks_used = kv_.used();
}

std::int64_t Instance::outstanding_tokens_recounted() const {
  std::int64_t t = 0;
  for (const Sequence* s : waiting_) t += s->to_prefill + s->remaining_output();
  for (const Sequence* s : running_) t += s->to_prefill + s->remaining_output();
  return t;
}

void Instance::drop_unrunnable(std::vector<Sequence*>& rejected) {
  if (busy_ || !running_.empty()) return;
  while (!waiting_.empty()) {
    Sequence* s = waiting_.front();
    waiting_.pop_front();
    uncount(*s);
    rejected.push_back(s);
  }
}

}  // namespace moesim
