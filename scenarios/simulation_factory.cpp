#include "scenarios/simulation_factory.hpp"

#include <filesystem>
#include <tuple>
#include <utility>

#include "models/memory.hpp"
#include "models/param_error.hpp"
#include "scenarios/cross_checks.hpp"
#include "topology/graph_collectives.hpp"
#include "topology/topology_builder.hpp"
#include "topology/topology_spec.hpp"

namespace moesim {
namespace {

// `make()`, with a ParamError (a file a parameter names is missing, ...) reported at the place
// where the scenario wrote that parameter of plug-in `key` ("workload.source").
template <class F>
auto at_plugin(const Scenario& s, const std::string& key, F&& make) -> decltype(make()) {
  try {
    return make();
  } catch (const ParamError& e) {
    scenario_key_error(s, key + "." + e.param(), e.message());
  }
}

std::unique_ptr<CostModel> make_cost_model(const Scenario& s) {
  return at_plugin(s, "serving.cost_model", [&] {
    return cost_models().create(s.serving.cost_model.name, s.serving.cost_model.params);
  });
}

// The workload's length distribution (a relative file path resolved against the scenario's
// folder) and request source; the source points to the distribution.
std::pair<std::unique_ptr<LengthDistribution>, std::unique_ptr<RequestSource>> make_workload(
    const Scenario& s) {
  const PluginConfig& src = s.workload.source;
  PluginConfig len = s.workload.lengths;
  if (len.params.has("path")) {
    std::filesystem::path p(len.params.text("path"));
    if (p.is_relative()) len.params.set("path", (std::filesystem::path(s.workload.base_dir) / p).string());
  }
  auto lengths = at_plugin(s, "workload.lengths", [&] {
    return length_distributions().create(len.name, len.params);
  });
  SourceContext ctx{s.seed, lengths.get(), s.workload.base_dir};
  auto source = at_plugin(s, "workload.source", [&] {
    return request_sources().create(src.name, src.params, ctx);
  });
  return {std::move(lengths), std::move(source)};
}

std::shared_ptr<const StepCostCalculator> make_calculator(
    const Scenario& s, const ModelArch& m, Parallel par,
    std::shared_ptr<const CollectiveModel> collectives, const PluginConfig* dispatch = nullptr) {
  par.devices_per_node = s.cluster.devices_per_node;
  std::shared_ptr<const CostModel> cost = make_cost_model(s);
  std::shared_ptr<const RoutingModel> routing =
      routing_models().create(s.serving.routing.name, s.serving.routing.params);
  std::shared_ptr<const DispatchModel> mode =
      dispatch ? dispatch_models().create(dispatch->name, dispatch->params) : nullptr;
  return std::make_shared<StepCostCalculator>(m, s.hardware, par, cost, routing,
                                              std::move(collectives), std::move(mode));
}

InstanceRole role_of(const std::string& r) {
  if (r == "prefill") return InstanceRole::kPrefill;
  if (r == "decode") return InstanceRole::kDecode;
  return InstanceRole::kColocated;
}

}  // namespace

ModelArch pool_model(const Scenario& s, const PoolConfig& pool) {
  ModelArch m = s.model;
  if (pool.dispatch_dtype) m.precision.dispatch = *pool.dispatch_dtype;
  if (pool.combine_dtype) m.precision.combine = *pool.combine_dtype;
  return m;
}

std::shared_ptr<const ClusterGraph> make_cluster_graph(const Scenario& s) {
  if (s.cluster.topology_spec) {
    return std::make_shared<ClusterGraph>(build_topology(*s.cluster.topology_spec));
  }
  ClusterShape shape{s.cluster.nodes, s.cluster.devices_per_node, s.hardware.scale_up,
                     s.hardware.scale_out, s.hardware.dies_per_package};
  auto builder = topology_builders().create(s.cluster.topology.name, s.cluster.topology.params);
  return std::make_shared<ClusterGraph>(builder->build(shape));
}

std::vector<PlacedInstance> place_instances(const Scenario& s) {
  std::vector<PlacedInstance> out;
  std::vector<char> taken;  // devices held by explicit lists (cross_check made them valid)
  for (const PoolConfig& pool : s.deployment.pools) {
    for (int d : pool.devices) {
      if (d >= int(taken.size())) taken.resize(std::size_t(d) + 1, 0);
      taken[std::size_t(d)] = 1;
    }
  }
  int next = 0;
  auto next_free = [&] {
    while (next < int(taken.size()) && taken[std::size_t(next)]) ++next;
    return next++;
  };
  for (std::size_t p = 0; p < s.deployment.pools.size(); ++p) {
    const PoolConfig& pool = s.deployment.pools[p];
    const int per = pool.parallel.devices();
    for (int r = 0; r < pool.replicas; ++r) {
      PlacedInstance pi{int(p), r, {}};
      for (int d = 0; d < per; ++d) {
        pi.devices.push_back(pool.devices.empty() ? next_free()
                                                  : pool.devices[std::size_t(r * per + d)]);
      }
      out.push_back(std::move(pi));
    }
  }
  return out;
}

std::shared_ptr<const StepCostCalculator> make_target_calculator(const Scenario& s) {
  const auto graph = make_cluster_graph(s);
  const auto placed = place_instances(s);
  const PoolConfig& pool = s.deployment.pools.front();
  return make_calculator(s, pool_model(s, pool), pool.parallel,
                         std::make_shared<GraphCollectiveModel>(
                             graph, placed.front().devices,
                             make_communication_efficiency(s.hardware)),
                         &pool.dispatch);
}

std::int64_t kv_capacity_blocks(const Scenario& s, const Parallel& p) {
  const double per_token = kv_bytes_per_token_per_device(s.model, p).value();
  const double tokens_per_group = std::max(0.0, kv_budget_per_device(s, p).value()) / per_token;
  // Per-rank scheduling: every rank's cache is whole blocks of its own group's memory.
  if (scheduling_ranks(s, p) > 1) {
    return std::int64_t(tokens_per_group) / s.serving.kv_block_size * p.dp;
  }
  return std::int64_t(tokens_per_group * p.dp) / s.serving.kv_block_size;
}

int scheduling_ranks(const Scenario& s, const Parallel& p) {
  return s.serving.dp_scheduling == "per_rank" ? p.dp : 1;
}

KvNetworkSpec kv_network_spec(const ClusterGraph& g, const std::vector<InstanceSetup>& instances) {
  KvNetworkSpec spec;
  spec.devices = g.device_count();
  spec.links.resize(g.link_count());
  for (int l = 0; l < g.link_count(); ++l) {
    spec.links[l] = {g.link(l).bandwidth.value(), g.link(l).latency.value()};
  }
  for (const auto& src : instances) {
    if (src.role != InstanceRole::kPrefill) continue;
    for (const auto& dst : instances) {
      if (dst.role != InstanceRole::kDecode) continue;
      // The pairs a transfer can use (sim/simulation.cpp): prefill device k mod n to the k-th
      // device of a decode attention group, k < the group's size.
      for (std::size_t k = 0; k < std::size_t(dst.attention_group); ++k) {
        const int a = src.devices[k % src.devices.size()];
        for (std::size_t j = k; j < dst.devices.size(); j += std::size_t(dst.attention_group)) {
          const int b = dst.devices[j];
          if (a != b) spec.routes[{a, b}] = g.route(a, b).hops;
        }
      }
    }
  }
  return spec;
}

SimulationSetup make_simulation_setup(const Scenario& s, bool with_speculation) {
  SimulationSetup setup;
  const auto graph = make_cluster_graph(s);
  // One plug-in for every instance (a measured curve is read and fitted once).
  const auto eta = make_communication_efficiency(s.hardware);
  for (const PlacedInstance& pi : place_instances(s)) {
    const PoolConfig& pool = s.deployment.pools[pi.pool];
    InstanceSetup is;
    is.role = role_of(pool.role);
    is.target = make_calculator(s, pool_model(s, pool), pool.parallel,
                                std::make_shared<GraphCollectiveModel>(graph, pi.devices, eta),
                                &pool.dispatch);
    is.kv_capacity_blocks = kv_capacity_blocks(s, pool.parallel);
    is.ranks = scheduling_ranks(s, pool.parallel);
    is.devices = pi.devices;
    is.attention_group = pool.parallel.tp;
    is.kv_bytes_per_token_per_device = kv_bytes_per_token_per_device(s.model, pool.parallel).value();
    setup.instances.push_back(std::move(is));
  }
  const PluginConfig sched = s.serving.scheduler;
  setup.make_scheduler = [sched] { return schedulers().create(sched.name, sched.params); };
  setup.router = routers().create(s.serving.router.name, s.serving.router.params);
  setup.decode_router = routers().create(s.serving.decode_router.name, s.serving.decode_router.params);
  const PluginConfig dp_router = s.serving.dp_router;
  setup.make_rank_router = [dp_router] { return routers().create(dp_router.name, dp_router.params); };
  setup.engine = engine_overheads().create(s.serving.engine.name, s.serving.engine.params);
  setup.kv_block_size = s.serving.kv_block_size;
  setup.reuse_preempted_kv = s.serving.reuse_preempted_kv;
  setup.max_model_len = s.serving.max_model_len;
  setup.prefix_cache.blocks = s.serving.prefix_cache_blocks;
  setup.prefix_cache.block_tokens = s.serving.prefix_block_tokens;
  setup.prefix_cache.shared = s.serving.prefix_cache_scope == "pool";
  setup.prefix_cache.load_bandwidth = s.serving.prefix_pool_bandwidth.value();
  setup.prefix_cache.load_latency = s.serving.prefix_pool_latency.value();
  setup.seed = s.seed;
  if (s.deployment.disaggregated()) setup.network = kv_network_spec(*graph, setup.instances);
  if (with_speculation && s.speculative.enabled && s.speculative.gamma > 0) {
    auto& sp = setup.speculation;
    sp.gamma = s.speculative.gamma;
    sp.method = speculation_methods().create(s.speculative.method.name,
                                             s.speculative.method.params);
    sp.acceptance = acceptance_models().create(s.speculative.acceptance.name,
                                               s.speculative.acceptance.params);
    sp.policy = speculation_policies().create(s.speculative.policy.name,
                                              s.speculative.policy.params);
    if (s.speculative.draft) {
      // The draft runs on the first decode-capable pool's layout, without expert parallelism.
      Parallel dp = s.deployment.pools.back().parallel;
      dp.ep = 1;
      sp.draft = make_calculator(s, *s.speculative.draft, dp,
                                 std::make_shared<LinkCollectiveModel>(
                                     s.hardware, s.cluster.devices_per_node, eta));
    }
  }
  // Workload: trace sources resolve relative paths from the context's base_dir; length files
  // are resolved in make_workload.
  std::tie(setup.lengths, setup.source) = make_workload(s);
  return setup;
}

void scenario_key_error(const Scenario& s, const std::string& key_path,
                        const std::string& message) {
  std::string where = s.source_file;
  for (std::string p = key_path;;) {
    const auto it = s.places.find(p);
    if (it != s.places.end()) {
      where = it->second;
      break;
    }
    const auto dot = p.rfind('.');
    if (dot == std::string::npos) break;
    p = p.substr(0, dot);
  }
  Diagnostics d;
  d.add({where, key_path, message});
  throw ScenarioError(d);
}

void check_run_inputs(const Scenario& s, bool output_dir) {
  if (output_dir && !s.output.dir.empty()) {
    // The nearest existing folder on the way must be a folder (a file there: ENOTDIR).
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path p = s.output.dir;
    while (!p.empty() && !fs::exists(p, ec)) p = p.parent_path();
    if (!p.empty() && !fs::is_directory(p, ec)) {
      scenario_key_error(s, "output.dir",
                         "cannot create output folder " + s.output.dir + ": Not a directory");
    }
  }
  (void)make_cost_model(s);
  const auto workload = make_workload(s);
  (void)workload.second->next();  // an empty trace, or a bad first row, is found here
}

}  // namespace moesim
