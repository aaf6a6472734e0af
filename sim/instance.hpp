// One serving instance (a TP/EP/DP group of devices running one model copy): queues, KV cache,
// scheduler, and the arithmetic of starting and finishing a step. With attention data
// parallelism scheduled per rank, each DP rank has its own queues, KV cache and scheduler, and the
// ranks step together. No SimGrid here: the simulation drives it with the clock.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "models/acceptance_model.hpp"
#include "models/speculation_model.hpp"
#include "models/speculation_policy.hpp"
#include "sim/engine_overhead.hpp"
#include "sim/router.hpp"
#include "sim/scheduler.hpp"

namespace moesim {

struct SpeculationSetup {
  int gamma = 0;  // 0: speculation off
  std::shared_ptr<const SpeculationModel> method;
  std::shared_ptr<const AcceptanceModel> acceptance;
  std::shared_ptr<const StepCostCalculator> draft;  // draft model, when the method uses one
  std::shared_ptr<const SpeculationPolicy> policy;  // null: fixed (every step drafts gamma)
};

// What a finished step reports (one row of steps.csv).
struct StepRecord {
  int instance = 0;
  Seconds start{0};
  Seconds duration{0};
  std::int64_t sequences = 0;
  std::int64_t decode_sequences = 0;
  std::int64_t prefill_tokens = 0;
  std::int64_t tokens = 0;          // computed tokens (T)
  std::int64_t emitted_tokens = 0;  // output tokens produced
  std::int64_t kv_blocks_used = 0;
  Seconds attention{0}, ffn{0}, experts{0}, communication{0}, other{0}, draft{0};
  // Engine host time the step waits for (not hidden behind the accelerator); the parts above
  // plus this one add up to `duration`.
  Seconds host{0};
  double target_efficiency = 0;  // T(B,1)/T(B,gamma+1) of this step's decodes (0 if none)
  int gamma = 0;  // draft tokens per decoding sequence in this step (0: no speculation)
  // Scheduling ranks (dp with per-rank scheduling, else 1) and, one entry per rank: tokens and
  // sequences scheduled this step, sequences running and waiting once the step was planned, KV
  // blocks held at its end, and the time of the rank's own ops (attention, dense FFN, router,
  // shared experts, norms, LM head; 0 for a pooled instance). The step's rank-local part is that
  // of `slowest_rank`.
  int ranks = 1;
  int slowest_rank = 0;
  std::vector<std::int64_t> rank_tokens, rank_sequences, rank_running, rank_waiting,
      rank_kv_blocks;
  std::vector<double> rank_own_s;
};

// Attention data-parallel ranks that schedule on their own, as vLLM and SGLang run DP attention:
// one scheduler (its own max_num_seqs and token budget) and one KV cache per rank, and a router
// that places each arriving sequence on a rank. schedulers.size() must equal the target's dp.
struct DpRanks {
  std::vector<std::unique_ptr<Scheduler>> schedulers;
  std::unique_ptr<Router> router;  // may be null with one scheduler
};

// colocated: prefill and decode; prefill: hands each sequence off once its prompt is prefilled;
// decode: receives sequences whose KV arrived from a prefill instance.
enum class InstanceRole { kColocated, kPrefill, kDecode };

class Instance {
 public:
  // One scheduler and one KV cache for the whole instance (pooled: tokens split evenly over dp).
  Instance(int index, std::shared_ptr<const StepCostCalculator> target,
           std::unique_ptr<Scheduler> scheduler, KvCache kv, SpeculationSetup spec,
           InstanceRole role = InstanceRole::kColocated,
           std::shared_ptr<const EngineOverhead> engine = nullptr);  // null: no host time
  // One scheduler and one KV cache of `kv_per_rank` per DP rank (a single scheduler is the
  // pooled instance above). Throws std::invalid_argument when more than one scheduler is given
  // and their number is not the target's dp, or there is no router.
  Instance(int index, std::shared_ptr<const StepCostCalculator> target, DpRanks ranks,
           KvCache kv_per_rank, SpeculationSetup spec, InstanceRole role = InstanceRole::kColocated,
           std::shared_ptr<const EngineOverhead> engine = nullptr);

  // Queues `s` on the rank the rank router picks now.
  void enqueue(Sequence* s);
  // Picks the rank for `r` ahead of its arrival (a KV transfer or prefix load in flight) and
  // counts it there as waiting until enqueue(s, rank).
  int place(const Request& r);
  void enqueue(Sequence* s, int rank);
  // Plans the next step; returns false (idle) when there is nothing to run.
  bool start_step(Seconds now, bool more_arrivals);
  // Applies the running step at its end; returns sequences that finished (their KV released).
  // A prefill instance also returns, in `handed_off`, sequences whose prompt is done: they keep
  // their KV blocks here until release_handed_off() (after the transfer).
  void finish_step(Seconds now, std::vector<Sequence*>& finished,
                   std::vector<Sequence*>* handed_off = nullptr);
  void release_handed_off(Sequence& s) { ranks_[std::size_t(s.rank)].kv.release(s); }
  // Drops waiting sequences that can never run (no arrivals left, nothing running).
  void drop_unrunnable(std::vector<Sequence*>& rejected);

  [[nodiscard]] bool busy() const { return busy_; }
  [[nodiscard]] Seconds step_end() const { return step_end_; }
  [[nodiscard]] const StepRecord& last_step() const { return record_; }
  // The plan of the step that is running or has just finished.
  [[nodiscard]] const StepPlan& plan() const { return plan_; }
  [[nodiscard]] int index() const { return index_; }
  [[nodiscard]] InstanceRole role() const { return role_; }
  [[nodiscard]] const StepCostCalculator& calculator() const { return *target_; }
  [[nodiscard]] int ranks() const { return int(ranks_.size()); }
  [[nodiscard]] const KvCache& kv(int rank = 0) const { return ranks_[std::size_t(rank)].kv; }
  // KV blocks used and held over all ranks; the highest peak use / capacity of one rank.
  [[nodiscard]] std::int64_t kv_used() const;
  [[nodiscard]] std::int64_t kv_capacity() const;
  [[nodiscard]] double kv_peak_utilization() const;
  void set_reuse_preempted_kv(bool on);
  // Prompt tokens still to prefill plus output tokens still to generate, over all sequences of
  // every rank: a running total, O(1) (a router asks on every arrival, with up to millions
  // waiting).
  [[nodiscard]] std::int64_t outstanding_tokens() const { return outstanding_; }
  // The same sum by walking the queues (tests compare the two).
  [[nodiscard]] std::int64_t outstanding_tokens_recounted() const;
  // Inter-token gaps (seconds) of the last finished step, one per emission after the first.
  [[nodiscard]] const std::vector<double>& itl_samples() const { return itl_samples_; }
  [[nodiscard]] std::int64_t sequences() const;
  [[nodiscard]] std::int64_t waiting() const;  // including sequences placed, not yet enqueued
  [[nodiscard]] std::int64_t running() const;
  [[nodiscard]] std::int64_t preemptions() const { return preemptions_; }

 private:
  struct Rank {
    std::unique_ptr<Scheduler> scheduler;
    KvCache kv;
    std::deque<Sequence*> waiting;
    std::vector<Sequence*> running;
    std::int64_t admissions = 0;
    std::int64_t incoming = 0;  // placed here, not yet enqueued
    StepPlan plan;
  };
  Seconds price_step();
  // Brings `s`'s share of outstanding_ up to date after its counts changed.
  void recount(Sequence& s);
  // Removes `s`'s share (it leaves the instance).
  void uncount(Sequence& s);
  const std::vector<double>& acceptance_for(int gamma);
  // The draft length of the next step (speculative.policy), from the running decodes.
  int choose_gamma();
  // Draft and rejection-sampling time of one speculative round at draft length g (g > 0).
  Seconds drafting_time(const BatchShape& q1_all, std::int64_t most_on_a_rank, int g) const;
  // Expected output tokens per second of the running decodes at draft length g.
  double decode_rate(int g);

  int index_;
  InstanceRole role_;
  std::shared_ptr<const StepCostCalculator> target_;
  std::vector<Rank> ranks_;
  std::unique_ptr<Router> rank_router_;
  std::vector<InstanceLoad> rank_loads_;
  SpeculationSetup spec_;
  std::shared_ptr<const EngineOverhead> engine_;
  std::int64_t outstanding_ = 0;  // sum of counted_tokens over every rank's waiting and running
  std::vector<double> itl_samples_;
  std::int64_t preemptions_ = 0;
  StepPlan plan_;
  StepRecord record_;
  int step_gamma_ = 0;  // the planned step's draft length
  bool busy_ = false;
  Seconds step_end_{0};
  std::map<int, std::vector<double>> acceptance_cache_;
};

}  // namespace moesim
