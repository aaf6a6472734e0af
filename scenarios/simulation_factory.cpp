#include "scenarios/simulation_factory.hpp"

#include <filesystem>

#include "models/memory.hpp"
#include "scenarios/cross_checks.hpp"

namespace moesim {
namespace {

std::shared_ptr<const StepCostCalculator> make_calculator(const Scenario& s, const ModelArch& m,
                                                          Parallel par) {
  par.devices_per_node = s.cluster.devices_per_node;
  std::shared_ptr<const CostModel> cost =
      cost_models().create(s.serving.cost_model.name, s.serving.cost_model.params);
  std::shared_ptr<const RoutingModel> routing =
      routing_models().create(s.serving.routing.name, s.serving.routing.params);
  auto coll = std::make_shared<LinkCollectiveModel>(s.hardware, par.devices_per_node);
  return std::make_shared<StepCostCalculator>(m, s.hardware, par, cost, routing, coll);
}

}  // namespace

std::shared_ptr<const StepCostCalculator> make_target_calculator(const Scenario& s) {
  return make_calculator(s, s.model, s.deployment.parallel);
}

std::int64_t kv_capacity_blocks(const Scenario& s) {
  const Parallel& p = s.deployment.parallel;
  const double per_token = kv_bytes_per_token_per_device(s.model, p).value();
  const double tokens_per_group = std::max(0.0, kv_budget_per_device(s).value()) / per_token;
  return std::int64_t(tokens_per_group * p.dp) / s.serving.kv_block_size;
}

SimulationSetup make_simulation_setup(const Scenario& s, bool with_speculation) {
  SimulationSetup setup;
  setup.replicas = s.deployment.replicas;
  setup.devices_per_instance = s.deployment.parallel.devices();
  setup.target = make_target_calculator(s);
  const PluginConfig sched = s.serving.scheduler;
  setup.make_scheduler = [sched] { return schedulers().create(sched.name, sched.params); };
  setup.router = routers().create(s.serving.router.name, s.serving.router.params);
  setup.kv_capacity_blocks = kv_capacity_blocks(s);
  setup.kv_block_size = s.serving.kv_block_size;
  setup.max_model_len = s.serving.max_model_len;
  setup.seed = s.seed;
  if (with_speculation && s.speculative.enabled && s.speculative.gamma > 0) {
    auto& sp = setup.speculation;
    sp.gamma = s.speculative.gamma;
    sp.method = speculation_methods().create(s.speculative.method.name,
                                             s.speculative.method.params);
    sp.acceptance = acceptance_models().create(s.speculative.acceptance.name,
                                               s.speculative.acceptance.params);
    if (s.speculative.draft) {
      Parallel dp = s.deployment.parallel;
      dp.ep = 1;
      sp.draft = make_calculator(s, *s.speculative.draft, dp);
    }
  }
  // Workload: relative file paths resolve against the scenario's folder (trace sources do it
  // themselves from the context's base_dir; length files are resolved here).
  const PluginConfig& src = s.workload.source;
  PluginConfig len = s.workload.lengths;
  if (len.params.has("path")) {
    std::filesystem::path p(len.params.text("path"));
    if (p.is_relative()) len.params.set("path", (std::filesystem::path(s.workload.base_dir) / p).string());
  }
  setup.lengths = length_distributions().create(len.name, len.params);
  SourceContext ctx{s.seed, setup.lengths.get(), s.workload.base_dir};
  setup.source = request_sources().create(src.name, src.params, ctx);
  return setup;
}

}  // namespace moesim
