// Turns a resolved Scenario into the cluster graph, the placed instances and the plug-ins the
// simulation runs with.
#pragma once

#include "scenarios/scenario.hpp"
#include "sim/simulation.hpp"
#include "topology/cluster_graph.hpp"

namespace moesim {

[[nodiscard]] std::shared_ptr<const ClusterGraph> make_cluster_graph(const Scenario& s);

// Instances pool by pool, replica by replica. A pool with an explicit `devices` list takes its
// entries in order; the others take the lowest devices no explicit list holds, contiguously.
struct PlacedInstance {
  int pool = 0;
  int replica = 0;
  std::vector<int> devices;
};
[[nodiscard]] std::vector<PlacedInstance> place_instances(const Scenario& s);

// The model as one pool's instances run it: the scenario's model with the pool's EP payload
// formats (deployment.dispatch_dtype / combine_dtype) written over its precision.
[[nodiscard]] ModelArch pool_model(const Scenario& s, const PoolConfig& pool);

// Cost calculator of the first instance (its collectives priced over the cluster graph).
[[nodiscard]] std::shared_ptr<const StepCostCalculator> make_target_calculator(const Scenario& s);

// Everything the simulation needs; `with_speculation` false gives the baseline of the same
// scenario (same seed, same arrivals).
[[nodiscard]] SimulationSetup make_simulation_setup(const Scenario& s, bool with_speculation);

// Throws ScenarioError at the place where the scenario wrote `key_path` (or its nearest
// written parent: Scenario::places), as the loader reports: for problems found after loading.
[[noreturn]] void scenario_key_error(const Scenario& s, const std::string& key_path,
                                     const std::string& message);

// What `validate` adds to the loader's checks, and `run` makes before it writes anything: opens
// what a run reads (the trace and its first request, a lengths file, a profile folder) and, with
// `output_dir`, checks that output.dir can be a folder; a missing file is reported at the line of
// the key that names it.
void check_run_inputs(const Scenario& s, bool output_dir = true);

// KV-cache blocks of one instance of layout `p` after weights (and the draft model) are placed.
[[nodiscard]] std::int64_t kv_capacity_blocks(const Scenario& s, const Parallel& p);
// Schedulers of one instance of layout `p`: p.dp with serving.dp_scheduling per_rank, else 1.
[[nodiscard]] int scheduling_ranks(const Scenario& s, const Parallel& p);

// Links and routes between every prefill and every decode device.
[[nodiscard]] KvNetworkSpec kv_network_spec(const ClusterGraph& g,
                                            const std::vector<InstanceSetup>& instances);

}  // namespace moesim
