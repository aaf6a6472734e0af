// The serving simulation: SimGrid owns the clock; every instance step and every arrival is one
// kernel timer (DESIGN.md section 3). Events at equal times run in a documented order:
// step ends (by instance index) before arrivals (by request id); each event kind keeps its
// insertion order otherwise.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "sim/instance.hpp"
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

struct SimulationSetup {
  int replicas = 1;
  int devices_per_instance = 1;
  std::shared_ptr<const StepCostCalculator> target;
  std::function<std::unique_ptr<Scheduler>()> make_scheduler;
  std::unique_ptr<Router> router;
  std::int64_t kv_capacity_blocks = 0;  // per instance
  std::int64_t kv_blocks_in_use_at_end = 0;  // all instances; 0 when every block came back
  int kv_block_size = 16;
  std::int64_t max_model_len = 0;
  SpeculationSetup speculation;
  std::unique_ptr<LengthDistribution> lengths;  // owned here; the source points to it
  std::unique_ptr<RequestSource> source;
  std::uint64_t seed = 1;
};

struct SimulationTotals {
  Seconds simulated_time{0};
  std::int64_t requests_total = 0;  // pulled from the source
  std::int64_t requests_completed = 0;
  std::int64_t requests_rejected = 0;
  std::int64_t preemptions = 0;
  std::int64_t steps = 0;
  std::int64_t skipped_rows = 0;
  std::int64_t kv_capacity_blocks = 0;  // per instance
  std::int64_t kv_blocks_in_use_at_end = 0;  // all instances; 0 when every block came back
  double kv_peak_utilization = 0;  // max over instances of peak used / capacity blocks
};

// Runs to completion in this process (SimGrid allows one engine per process: call once).
// `progress` (may be null) is called now and then with (completed, total pulled).
SimulationTotals run_simulation(SimulationSetup& setup, SimObserver& observer,
                                const std::function<void(std::int64_t, std::int64_t)>& progress);

}  // namespace moesim
