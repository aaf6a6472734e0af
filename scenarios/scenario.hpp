// A fully resolved scenario: every preset looked up, every unit converted, every plug-in
// choice validated against its declared parameters. Built by load_scenario().
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/hardware.hpp"
#include "models/model_arch.hpp"
#include "models/parallel.hpp"
#include "scenarios/yaml_reader.hpp"
#include "topology/topology_spec.hpp"

namespace moesim {

struct ClusterConfig {
  int nodes = 1;
  int devices_per_node = 8;
  PluginConfig topology;  // topology builder (switch, full_mesh, fat_tree, supernode)
  // A file-defined graph instead of a builder (then `topology` is empty and nodes and
  // devices_per_node are the file's): its path, resolved against the scenario's folder, and what
  // it holds, read and checked when the scenario loads.
  std::string topology_file;
  std::optional<TopologySpec> topology_spec;
  [[nodiscard]] int devices() const { return nodes * devices_per_node; }
  // "file <path>" or the builder's name, for messages.
  [[nodiscard]] std::string topology_label() const {
    return topology_spec ? "file " + topology_file : topology.name;
  }
};

// A pool of identical instances with one role. By default instances take devices in order:
// pool by pool, replica by replica, each a contiguous range of tp x dp devices (node-major
// numbering), skipping devices that pools with an explicit list hold.
struct PoolConfig {
  std::string role = "colocated";  // colocated | prefill | decode
  int replicas = 1;                // identical data-parallel instances
  Parallel parallel;
  // EP payload formats of this pool's instances when the pool sets them (deployment.dispatch_dtype,
  // deployment.combine_dtype); otherwise the model's precision.dispatch and precision.combine.
  std::optional<DType> dispatch_dtype, combine_dtype;
  // Expert-dispatch mode of this pool's instances (models/dispatch_model.hpp); pairwise default.
  PluginConfig dispatch{"pairwise", {}};
  // Explicit placement: replicas x tp x dp global device indices, replica by replica, in rank
  // order; empty = the default contiguous placement.
  std::vector<int> devices;
};

struct DeploymentConfig {
  std::vector<PoolConfig> pools{PoolConfig{}};
  [[nodiscard]] int devices() const {
    int n = 0;
    for (const auto& p : pools) n += p.replicas * p.parallel.devices();
    return n;
  }
  [[nodiscard]] bool disaggregated() const {
    for (const auto& p : pools) {
      if (p.role != "colocated") return true;
    }
    return false;
  }
};

struct ServingConfig {
  PluginConfig scheduler;   // sim scheduler policy
  PluginConfig router;      // sim router: arrivals -> colocated or prefill instances
  PluginConfig decode_router;  // sim router: finished prefills -> decode instances
  // Attention data parallelism inside an instance (deployment dp > 1): per_rank gives every DP
  // rank its own scheduler, limits and KV cache, placed by dp_router, stepping together (vLLM,
  // SGLang); pooled keeps one scheduler and KV cache for the instance, tokens split evenly.
  std::string dp_scheduling = "per_rank";
  PluginConfig dp_router;   // sim router: arrivals in an instance -> its DP ranks
  PluginConfig cost_model;  // models cost model
  PluginConfig routing;     // models routing model
  PluginConfig engine;      // sim engine overhead: host time per step (none, vllm_v1, ...)
  int kv_block_size = 16;
  double memory_utilization = 0.9;
  std::int64_t max_model_len = 32768;
  // A preempted sequence's KV blocks stay cached until evicted and are reused when it resumes
  // (vLLM V1 with prefix caching); false: preemption recomputes everything.
  bool reuse_preempted_kv = false;
  std::int64_t prefix_cache_blocks = 0;  // cache capacity in blocks; 0 = off
  int prefix_block_tokens = 512;         // tokens per prefix block (Mooncake hash_ids)
  // instance: one cache per colocated/prefill instance (in HBM); pool: one cache shared by all of
  // them in a memory pool, hits loaded over the fabric at prefix_pool_bandwidth per device after
  // prefix_pool_latency (defaults: the hardware's scale-out link).
  std::string prefix_cache_scope = "instance";
  BytesPerSec prefix_pool_bandwidth{0};
  Seconds prefix_pool_latency{0};
};

struct SpeculativeConfig {
  bool enabled = false;
  PluginConfig method;
  std::optional<ModelArch> draft;
  int gamma = 0;           // the draft length (with policy adaptive: the longest considered)
  PluginConfig acceptance;
  PluginConfig policy;     // speculation policy: fixed (default) or adaptive
  bool compare_without_speculation = false;
};

struct WorkloadConfig {
  PluginConfig source;
  PluginConfig lengths;
  std::string base_dir;  // relative paths in the workload resolve against the scenario's folder
};

struct SloConfig {
  std::optional<Seconds> ttft, tpot, e2e;
  [[nodiscard]] bool any() const { return ttft || tpot || e2e; }
};

// What the devices cost: US dollars per device per hour. The scenario's price overrides the
// hardware preset's; neither: no cost figures (no price is assumed).
struct CostConfig {
  std::optional<double> price_per_device_hour;
};

struct OutputConfig {
  std::string dir;  // empty: results/<name>
  bool requests_csv = true;
  bool steps_csv = true;
};

struct Scenario {
  std::string name;
  std::uint64_t seed = 1;
  ModelArch model;
  Hardware hardware;
  ClusterConfig cluster;
  DeploymentConfig deployment;
  ServingConfig serving;
  SpeculativeConfig speculative;
  WorkloadConfig workload;
  SloConfig slo;
  CostConfig cost;
  OutputConfig output;
  std::string source_file;  // where it was read from
  // Where the keys whose problems can only be found later were written ("workload.source.path"
  // -> "FILE:LINE:COL" or the --set that wrote it): the workload's and the cost model's plug-ins
  // and their parameters, output.dir. Problems found when the run opens what they name are
  // reported there (scenarios/simulation_factory.hpp, scenario_key_error).
  std::map<std::string, std::string> places;

  // The price the run is costed at: `cost.price_per_device_hour`, else the hardware's.
  [[nodiscard]] std::optional<double> price_per_device_hour() const {
    return cost.price_per_device_hour ? cost.price_per_device_hour
                                      : hardware.price_per_device_hour;
  }
};

}  // namespace moesim
