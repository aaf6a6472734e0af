#include "sim/instance.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace moesim {

namespace {
DpRanks one_rank(std::unique_ptr<Scheduler> scheduler) {
  DpRanks r;
  r.schedulers.push_back(std::move(scheduler));
  return r;
}
}  // namespace

Instance::Instance(int index, std::shared_ptr<const StepCostCalculator> target,
                   std::unique_ptr<Scheduler> scheduler, KvCache kv, SpeculationSetup spec,
                   InstanceRole role, std::shared_ptr<const EngineOverhead> engine)
    : Instance(index, std::move(target), one_rank(std::move(scheduler)), kv, std::move(spec), role,
               std::move(engine)) {}

Instance::Instance(int index, std::shared_ptr<const StepCostCalculator> target, DpRanks ranks,
                   KvCache kv_per_rank, SpeculationSetup spec, InstanceRole role,
                   std::shared_ptr<const EngineOverhead> engine)
    : index_(index),
      role_(role),
      target_(std::move(target)),
      rank_router_(std::move(ranks.router)),
      spec_(std::move(spec)),
      engine_(std::move(engine)) {
  const std::size_t n = ranks.schedulers.size();
  if (n == 0 || (n > 1 && (int(n) != target_->parallel().dp || !rank_router_))) {
    throw std::invalid_argument("instance " + std::to_string(index) + ": " + std::to_string(n) +
                                " rank schedulers for dp=" +
                                std::to_string(target_->parallel().dp) +
                                (rank_router_ ? "" : " without a rank router"));
  }
  for (auto& sched : ranks.schedulers) ranks_.push_back(Rank{std::move(sched), kv_per_rank, {}, {}});
  rank_loads_.resize(n);
}

int Instance::place(const Request& r) {
  if (ranks_.size() == 1) {
    ranks_[0].incoming += 1;
    return 0;
  }
  for (std::size_t k = 0; k < ranks_.size(); ++k) {
    const Rank& rk = ranks_[k];
    InstanceLoad& l = rank_loads_[k];
    l.outstanding_tokens = 0;
    for (const Sequence* s : rk.waiting) l.outstanding_tokens += s->to_prefill + s->remaining_output();
    for (const Sequence* s : rk.running) l.outstanding_tokens += s->to_prefill + s->remaining_output();
    l.waiting = std::int64_t(rk.waiting.size()) + rk.incoming;
    l.running = std::int64_t(rk.running.size());
    l.sequences = l.waiting + l.running;
    const double cap = double(rk.kv.capacity());
    l.kv_utilization = cap > 0 ? double(rk.kv.used()) / cap : 0.0;
  }
  const int k = rank_router_->choose(r, rank_loads_);
  ranks_[std::size_t(k)].incoming += 1;
  return k;
}

void Instance::enqueue(Sequence* s) { enqueue(s, place(s->req)); }

void Instance::enqueue(Sequence* s, int rank) {
  Rank& rk = ranks_[std::size_t(rank)];
  rk.incoming -= 1;
  s->instance = index_;
  s->rank = rank;
  s->counted_tokens = 0;
  recount(*s);
  rk.waiting.push_back(s);
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

Seconds Instance::drafting_time(const BatchShape& q1_all, std::int64_t most_on_a_rank, int g) const {
  // Drafting is priced for all the speculating sequences split evenly over the ranks;
  // rejection sampling runs on every rank for its own sequences, so the busiest one counts.
  Seconds t = spec_.method->draft_time(DraftInputs{q1_all, g, *target_, spec_.draft.get()});
  BatchShape busiest = q1_all;
  if (ranks_.size() > 1) busiest.sequences = most_on_a_rank * target_->parallel().dp;
  return t + target_->price(rejection_sampling_op(target_->model(), busiest, g, target_->parallel())).time;
}

double Instance::decode_rate(int g) {
  // The running sequences that decode, each at its context, one batch per rank.
  const std::size_t n = ranks_.size();
  std::vector<BatchShape> verify(n);
  BatchShape q1_all;
  std::int64_t most = 0;
  for (std::size_t r = 0; r < n; ++r) {
    for (const Sequence* s : ranks_[r].running) {
      if (s->prefilling()) continue;
      verify[r].add_decode(g + 1, s->context);
      q1_all.add_decode(1, s->context);
    }
    most = std::max(most, verify[r].sequences);
  }
  if (q1_all.sequences == 0) return 0;
  Seconds t = n > 1 ? target_->evaluate_ranks(verify).total : target_->evaluate(verify[0]).total;
  if (g > 0) t += drafting_time(q1_all, most, g);
  const double tau = g > 0 ? spec_.acceptance->expected_emitted(g) : 1.0;
  return double(q1_all.sequences) * tau / t.value();
}

int Instance::choose_gamma() {
  if (spec_.gamma <= 0) return 0;
  if (!spec_.policy || !spec_.policy->prices_candidates()) return spec_.gamma;
  bool decoding = false;
  for (const Rank& rk : ranks_) {
    for (const Sequence* s : rk.running) decoding = decoding || !s->prefilling();
  }
  if (!decoding) return spec_.gamma;  // nothing to choose for; the next decodes choose again
  return spec_.policy->choose(spec_.gamma, [this](int g) { return decode_rate(g); });
}

bool Instance::start_step(Seconds now, bool more_arrivals) {
  if (busy_) return true;
  plan_.clear();
  step_gamma_ = choose_gamma();
  for (Rank& rk : ranks_) {
    rk.plan.clear();
    SchedulerView view{rk.waiting, rk.running, rk.kv, std::int64_t(step_gamma_) + 1, more_arrivals,
                       rk.admissions};
    const std::int64_t admitted_before = rk.admissions;
    rk.scheduler->plan(view, rk.plan);
    preemptions_ += std::int64_t(rk.plan.preempted.size());
    // Planning changes the counts of the sequences it preempts (recompute), of those it admits
    // (cached blocks reclaimed), appended to the rank's running list, and at most of the head of
    // its queue (an admission that gave its blocks back); nothing else. Recounting them keeps the
    // total exact in O(changes), not O(running) per step.
    for (Sequence* s : rk.plan.preempted) recount(*s);
    const std::size_t admitted =
        std::min(rk.running.size(), std::size_t(rk.admissions - admitted_before));
    for (std::size_t k = rk.running.size() - admitted; k < rk.running.size(); ++k) {
      recount(*rk.running[k]);
    }
    if (!rk.waiting.empty()) recount(*rk.waiting.front());
    plan_.items.insert(plan_.items.end(), rk.plan.items.begin(), rk.plan.items.end());
    plan_.preempted.insert(plan_.preempted.end(), rk.plan.preempted.begin(),
                           rk.plan.preempted.end());
  }
  if (plan_.items.empty()) return false;
  for (const StepItem& it : plan_.items) {
    if (it.prefill && it.seq->prefill_start.value() < 0) it.seq->prefill_start = now;
  }
  record_ = StepRecord{};
  record_.instance = index_;
  record_.start = now;
  record_.ranks = int(ranks_.size());
  for (const Rank& rk : ranks_) {
    record_.rank_running.push_back(std::int64_t(rk.running.size()));
    record_.rank_waiting.push_back(std::int64_t(rk.waiting.size()));
  }
  record_.duration = price_step();
  busy_ = true;
  step_end_ = now + record_.duration;
  return true;
}

Seconds Instance::price_step() {
  // One batch per rank (a single one when pooled): the step's items, the same sequences at
  // q = 1 (draft and target efficiency) and at their q (verification only).
  const std::size_t n = ranks_.size();
  std::vector<BatchShape> batch(n), decode_q1(n), verify_only(n);
  std::vector<StepWork> work(n);
  BatchShape q1_all;
  record_.rank_tokens.assign(n, 0);
  record_.rank_sequences.assign(n, 0);
  for (const StepItem& it : plan_.items) {
    const Sequence& s = *it.seq;
    const std::size_t r = std::size_t(s.rank);
    if (it.prefill) {
      batch[r].add_prefill(it.q, s.context, it.q == s.to_prefill);
      record_.prefill_tokens += it.q;
      work[r].prefill_tokens += it.q;
      if (it.q == s.to_prefill) work[r].output_tokens += 1;  // the prompt's last chunk samples
    } else {
      batch[r].add_decode(it.q, s.context);
      decode_q1[r].add_decode(1, s.context);
      q1_all.add_decode(1, s.context);
      verify_only[r].add_decode(it.q, s.context);
      record_.decode_sequences += 1;
      work[r].output_tokens += 1;
    }
    record_.rank_tokens[r] += it.q;
    record_.rank_sequences[r] += 1;
    work[r].sequences += 1;
    work[r].scheduled_tokens += it.q;
  }
  const bool per_rank = n > 1;
  auto evaluate = [&](const std::vector<BatchShape>& b) {
    return per_rank ? target_->evaluate_ranks(b) : target_->evaluate(b[0]);
  };
  record_.sequences = std::int64_t(plan_.items.size());
  for (const BatchShape& b : batch) record_.tokens += b.tokens;
  const StepCost cost = evaluate(batch);
  record_.slowest_rank = cost.slowest_rank;
  record_.rank_own_s.assign(n, 0.0);
  for (std::size_t r = 0; r < cost.rank_local.size(); ++r) record_.rank_own_s[r] = cost.rank_local[r].value();
  Seconds total = cost.total;
  for (const auto& p : cost.ops) {
    const Seconds t = p.total();
    if (p.op.collective != Collective::kNone) record_.communication += t;
    else if (p.op.op_class == OpClass::kAttention || op_block(p.op.kind) == OpBlock::kAttention)
      record_.attention += t;
    else if (p.op.op_class == OpClass::kGroupedGemm) record_.experts += t;
    else if (p.op.kind == OpKind::kDenseFfn || op_in_moe_block(p.op))
      record_.ffn += t;
    else record_.other += t;
  }
  record_.gamma = q1_all.sequences > 0 ? step_gamma_ : 0;  // a step without decodes drafts nothing
  if (step_gamma_ > 0 && q1_all.sequences > 0) {
    std::int64_t most = 0;
    for (const BatchShape& b : decode_q1) most = std::max(most, b.sequences);
    record_.draft = drafting_time(q1_all, most, step_gamma_);
    total += record_.draft;
    // Target efficiency at this batch: decoding the same sequences one token each, alone.
    record_.target_efficiency = evaluate(decode_q1).total / evaluate(verify_only).total;
  }
  if (engine_) {
    // Every rank's engine core schedules its own batch in parallel: the slowest one counts.
    for (std::size_t r = 0; r < n; ++r) {
      record_.host = std::max(record_.host, engine_->apply(work[r], total).exposed);
    }
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
    } else if (step_gamma_ > 0) {
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
    Rank& rk = ranks_[std::size_t(s.rank)];
    recount(s);
    if (s.remaining_output() <= 0) {
      if (s.first_token.value() < 0) s.first_token = now;
      s.finish = now;
      rk.kv.release(s);
      uncount(s);
      rk.running.erase(std::find(rk.running.begin(), rk.running.end(), &s));
      finished.push_back(&s);
    } else if (role_ == InstanceRole::kPrefill && !s.prefilling() && handed_off) {
      uncount(s);
      rk.running.erase(std::find(rk.running.begin(), rk.running.end(), &s));
      handed_off->push_back(&s);
    }
  }
  record_.kv_blocks_used = kv_used();
  for (const Rank& rk : ranks_) record_.rank_kv_blocks.push_back(rk.kv.used());
}

std::int64_t Instance::outstanding_tokens_recounted() const {
  std::int64_t t = 0;
  for (const Rank& rk : ranks_) {
    for (const Sequence* s : rk.waiting) t += s->to_prefill + s->remaining_output();
    for (const Sequence* s : rk.running) t += s->to_prefill + s->remaining_output();
  }
  return t;
}

std::int64_t Instance::waiting() const {
  std::int64_t n = 0;
  for (const Rank& rk : ranks_) n += std::int64_t(rk.waiting.size()) + rk.incoming;
  return n;
}

std::int64_t Instance::running() const {
  std::int64_t n = 0;
  for (const Rank& rk : ranks_) n += std::int64_t(rk.running.size());
  return n;
}

std::int64_t Instance::sequences() const {
  std::int64_t n = 0;
  for (const Rank& rk : ranks_) n += std::int64_t(rk.waiting.size() + rk.running.size());
  return n;
}

std::int64_t Instance::kv_used() const {
  std::int64_t n = 0;
  for (const Rank& rk : ranks_) n += rk.kv.used();
  return n;
}

std::int64_t Instance::kv_capacity() const {
  std::int64_t n = 0;
  for (const Rank& rk : ranks_) n += rk.kv.capacity();
  return n;
}

double Instance::kv_peak_utilization() const {
  double u = 0;
  for (const Rank& rk : ranks_) {
    if (rk.kv.capacity() > 0) u = std::max(u, double(rk.kv.peak()) / double(rk.kv.capacity()));
  }
  return u;
}

void Instance::set_reuse_preempted_kv(bool on) {
  for (Rank& rk : ranks_) rk.kv.set_reuse_preempted(on);
}

void Instance::drop_unrunnable(std::vector<Sequence*>& rejected) {
  if (busy_) return;
  for (Rank& rk : ranks_) {
    if (!rk.running.empty()) continue;
    while (!rk.waiting.empty()) {
      Sequence* s = rk.waiting.front();
      rk.waiting.pop_front();
      uncount(*s);
      rejected.push_back(s);
    }
  }
}

}  // namespace moesim
