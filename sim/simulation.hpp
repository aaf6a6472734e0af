// The serving simulation: SimGrid owns the clock; every instance step, arrival and KV-transfer
// completion is one kernel timer (docs/design.md section 3). Events at equal times run in a
// documented order: step ends (by instance index), then KV arrivals (by request id), then
// arrivals (by request id); anything else keeps its insertion order.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "sim/instance.hpp"
#include "sim/kv_network.hpp"
#include "sim/router.hpp"
#include "workloads/request_source.hpp"

namespace moesim {

// Receives what the run produces, as it happens (analysis/ implements it).
class SimObserver {
 public:
  virtual ~SimObserver() = default;
  virtual void on_step(const StepRecord& step) = 0;
  virtual void on_itl(const std::vector<double>& gaps) = 0;
  virtual void on_finished(const Sequence& s) = 0;
  virtual void on_rejected(const Sequence& s, const char* reason) = 0;
};

struct InstanceSetup {
  InstanceRole role = InstanceRole::kColocated;
  std::shared_ptr<const StepCostCalculator> target;
  std::int64_t kv_capacity_blocks = 0;  // whole instance; each rank holds its share
  // Scheduling ranks: 1 (one scheduler and KV cache, tokens split evenly over dp) or the
  // target's dp (one scheduler, KV cache and set of limits per attention DP rank).
  int ranks = 1;
  std::vector<int> devices;          // global device indices (placement)
  int attention_group = 1;           // devices holding one sequence's KV (tp)
  double kv_bytes_per_token_per_device = 0;  // what each of them holds per token
};

struct PrefixCacheSetup {
  std::int64_t blocks = 0;   // cache capacity; 0: no prefix caching
  int block_tokens = 512;    // prompt tokens per prefix block (Mooncake hash_ids: 512)
  // false: one LRU cache of `blocks` per colocated/prefill instance, in its HBM (a hit is free).
  // true: one LRU cache of `blocks` shared by all of them (a context cache in a memory pool
  // reached over the fabric): a hit of h tokens first loads h x kv_bytes_per_token_per_device
  // into each device of the instance at `load_bandwidth` (per device) after `load_latency`; the
  // request joins the instance's queue when the load is done.
  bool shared = false;
  double load_bandwidth = 0;  // bytes/s per device
  double load_latency = 0;    // seconds
};

struct SimulationSetup {
  std::vector<InstanceSetup> instances;
  std::function<std::unique_ptr<Scheduler>()> make_scheduler;
  std::unique_ptr<Router> router;         // arrivals -> colocated or prefill instances
  std::unique_ptr<Router> decode_router;  // finished prefills -> decode instances
  // Places sequences on the DP ranks of an instance with ranks > 1 (one router per instance).
  std::function<std::unique_ptr<Router>()> make_rank_router;
  int kv_block_size = 16;
  bool reuse_preempted_kv = false;  // KvCache::set_reuse_preempted on every instance
  std::int64_t max_model_len = 0;
  SpeculationSetup speculation;
  std::shared_ptr<const EngineOverhead> engine;  // host time per step; null: none
  PrefixCacheSetup prefix_cache;
  KvNetworkSpec network;  // links and routes for KV transfers (disaggregated deployments)
  std::unique_ptr<LengthDistribution> lengths;  // owned here; the source points to it
  std::unique_ptr<RequestSource> source;
  std::uint64_t seed = 1;
  // Check invariants as the run goes (conservation of requests and tokens, KV blocks within
  // capacity, causality of timestamps, non-negative durations); a violation throws
  // InvariantError naming the request and step.
  bool check_invariants = false;
};

struct SimulationTotals {
  Seconds simulated_time{0};
  std::int64_t requests_total = 0;  // pulled from the source
  std::int64_t requests_completed = 0;
  std::int64_t requests_rejected = 0;
  std::int64_t preemptions = 0;
  std::int64_t steps = 0;
  std::int64_t skipped_rows = 0;
  std::int64_t kv_capacity_blocks = 0;       // smallest over instances
  std::int64_t kv_blocks_in_use_at_end = 0;  // all instances; 0 when every block came back
  double kv_peak_utilization = 0;            // max over instances of peak used / capacity
  std::int64_t kv_transfers = 0;
  double kv_transfer_bytes = 0;
  std::vector<double> kv_transfer_s;  // duration of each transfer
  double max_link_utilization = 0;    // busiest link: bytes / (bandwidth x simulated time)
  std::int64_t prefix_blocks_total = 0;  // prompt blocks seen (with prefix caching)
  std::int64_t prefix_blocks_hit = 0;
  std::int64_t prefix_loads = 0;       // shared prefix cache: hits loaded from the pool
  double prefix_load_seconds = 0;      // and the sum of their load times
};

// Where a run stands, for progress displays.
struct SimulationProgress {
  std::int64_t requests_done = 0;    // completed or rejected
  std::int64_t requests_pulled = 0;  // from the source so far
  double simulated_s = 0;            // the simulated clock
};
using ProgressCallback = std::function<void(const SimulationProgress&)>;

// Runs to completion in this process (SimGrid allows one engine per process: call once).
// `progress` (may be null) is called every 1024 steps; an exception it throws (the CLI stops
// on SIGINT/SIGTERM that way) ends the run and propagates.
SimulationTotals run_simulation(SimulationSetup& setup, SimObserver& observer,
                                const ProgressCallback& progress);

}  // namespace moesim
