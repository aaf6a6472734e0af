#include "scenarios/resolved.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "models/acceptance_model.hpp"
#include "models/comm_efficiency.hpp"
#include "models/cost_model.hpp"
#include "models/dispatch_model.hpp"
#include "models/routing_model.hpp"
#include "models/speculation_model.hpp"
#include "models/speculation_policy.hpp"
#include "sim/router.hpp"
#include "sim/engine_overhead.hpp"
#include "sim/scheduler.hpp"
#include "topology/topology_builder.hpp"
#include "workloads/request_source.hpp"

namespace moesim {
namespace {

std::string q(double v, Dimension d) {
  // Units round-trip exactly in SI base units.
  char buf[64];
  const char* unit = d == Dimension::kTime        ? "s"
                     : d == Dimension::kBytes     ? "B"
                     : d == Dimension::kBandwidth ? "B/s"
                     : d == Dimension::kFlopRate  ? "FLOP/s"
                                                  : "/s";
  std::snprintf(buf, sizeof buf, "%.17g%s", v, unit);
  return buf;
}

// A plain number in the shortest text that reads back exactly (prices).
std::string exact(double v) {
  char buf[64];
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

void model(YAML::Emitter& e, const ModelArch& m) {
  e << YAML::BeginMap;
  e << YAML::Key << "name" << YAML::Value << m.name;
  e << YAML::Key << "layers" << YAML::Value << m.layers;
  e << YAML::Key << "hidden" << YAML::Value << m.hidden;
  e << YAML::Key << "heads" << YAML::Value << m.heads;
  e << YAML::Key << "kv_heads" << YAML::Value << m.kv_heads;
  e << YAML::Key << "head_dim" << YAML::Value << m.head_dim;
  e << YAML::Key << "attention" << YAML::Value << std::string(attention_kind_name(m.attention));
  if (m.attention == AttentionKind::kMla) {
    e << YAML::Key << "mla" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "q_lora_rank" << YAML::Value << m.mla.q_lora_rank;
    e << YAML::Key << "kv_lora_rank" << YAML::Value << m.mla.kv_lora_rank;
    e << YAML::Key << "qk_nope_head_dim" << YAML::Value << m.mla.qk_nope_head_dim;
    e << YAML::Key << "qk_rope_head_dim" << YAML::Value << m.mla.qk_rope_head_dim;
    e << YAML::Key << "v_head_dim" << YAML::Value << m.mla.v_head_dim << YAML::EndMap;
  }
  e << YAML::Key << "ffn_intermediate" << YAML::Value << m.ffn_intermediate;
  e << YAML::Key << "ffn_gated" << YAML::Value << m.ffn_gated;
  if (m.is_moe()) {
    e << YAML::Key << "moe" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "experts" << YAML::Value << m.moe.experts;
    e << YAML::Key << "top_k" << YAML::Value << m.moe.top_k;
    e << YAML::Key << "expert_intermediate" << YAML::Value << m.moe.expert_intermediate;
    e << YAML::Key << "shared_experts" << YAML::Value << m.moe.shared_experts;
    e << YAML::Key << "shared_expert_intermediate" << YAML::Value
      << m.moe.shared_expert_intermediate;
    e << YAML::Key << "groups" << YAML::Value << m.moe.groups;
    e << YAML::Key << "first_dense_layers" << YAML::Value << m.moe.first_dense_layers;
    e << YAML::EndMap;
  }
  e << YAML::Key << "vocab" << YAML::Value << m.vocab;
  e << YAML::Key << "tie_embeddings" << YAML::Value << m.tie_embeddings;
  e << YAML::Key << "precision" << YAML::Value << YAML::BeginMap;
  for (const auto& [key, dt] : precision_entries(m.precision))
    e << YAML::Key << key << YAML::Value << std::string(dtype_name(dt));
  e << YAML::EndMap;
  e << YAML::Key << "mtp_layers" << YAML::Value << m.mtp_layers;
  e << YAML::EndMap;
}

template <class R>
void plugin(YAML::Emitter& e, const char* key, const R& reg, const PluginConfig& p) {
  e << YAML::Key << key << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "name" << YAML::Value << p.name;
  if (const auto* entry = reg.find(p.name)) {
    for (const auto& spec : entry->params) {
      if (!p.params.has(spec.name)) continue;
      const ParamValue& v = p.params.values().at(spec.name);
      e << YAML::Key << spec.name << YAML::Value;
      if (spec.type == ParamType::kQuantity) e << q(std::get<double>(v), spec.dimension);
      else if (auto* l = std::get_if<std::vector<double>>(&v)) e << YAML::Flow << *l;
      else e << param_value_text(spec, v);
    }
  }
  e << YAML::EndMap;
}

void hardware(YAML::Emitter& e, const Hardware& h) {
  e << YAML::BeginMap;
  e << YAML::Key << "name" << YAML::Value << h.name;
  e << YAML::Key << "peak_flops" << YAML::Value << YAML::BeginMap;
  for (const auto& [dt, v] : h.peak)
    e << YAML::Key << std::string(dtype_name(dt)) << YAML::Value << q(v.value(), Dimension::kFlopRate);
  e << YAML::EndMap;
  e << YAML::Key << "memory_capacity" << YAML::Value << q(h.memory_capacity.value(), Dimension::kBytes);
  e << YAML::Key << "memory_bandwidth" << YAML::Value << q(h.memory_bandwidth.value(), Dimension::kBandwidth);
  for (const auto* l : {&h.scale_up, &h.scale_out}) {
    e << YAML::Key << (l == &h.scale_up ? "scale_up" : "scale_out") << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "bandwidth" << YAML::Value << q(l->bandwidth.value(), Dimension::kBandwidth);
    e << YAML::Key << "latency" << YAML::Value << q(l->latency.value(), Dimension::kTime);
    e << YAML::Key << "domain_size" << YAML::Value << l->domain_size;
    if (!l->figures.name.empty()) e << YAML::Key << "class" << YAML::Value << l->figures.name;
    e << YAML::EndMap;
  }
  const auto& f = h.efficiency;
  e << YAML::Key << "efficiency" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "gemm_compute" << YAML::Value << f.gemm_compute;
  e << YAML::Key << "gemm_memory" << YAML::Value << f.gemm_memory;
  e << YAML::Key << "grouped_gemm_compute" << YAML::Value << f.grouped_gemm_compute;
  e << YAML::Key << "grouped_gemm_memory" << YAML::Value << f.grouped_gemm_memory;
  e << YAML::Key << "attention_compute" << YAML::Value << f.attention_compute;
  e << YAML::Key << "attention_memory" << YAML::Value << f.attention_memory;
  e << YAML::Key << "elementwise_memory" << YAML::Value << f.elementwise_memory;
  e << YAML::Key << "communication" << YAML::Value << f.communication << YAML::EndMap;
  // Always written: YAML hardware defaults to link_class, programmatic hardware to constant.
  plugin(e, "communication_efficiency", communication_efficiencies(),
         PluginConfig{h.communication_efficiency.name, h.communication_efficiency.params});
  e << YAML::Key << "launch_overhead" << YAML::Value << q(h.launch_overhead.value(), Dimension::kTime);
  e << YAML::Key << "dies_per_package" << YAML::Value << h.dies_per_package;
  if (!h.architecture.empty()) e << YAML::Key << "architecture" << YAML::Value << h.architecture;
  if (h.compute_units > 0) e << YAML::Key << "compute_units" << YAML::Value << h.compute_units;
  if (h.clock.value() > 0)
    e << YAML::Key << "clock" << YAML::Value << q(h.clock.value(), Dimension::kRate);
  if (h.l2_capacity.value() > 0)
    e << YAML::Key << "l2_capacity" << YAML::Value << q(h.l2_capacity.value(), Dimension::kBytes);
  if (h.price_per_device_hour)
    e << YAML::Key << "price_per_device_hour" << YAML::Value << exact(*h.price_per_device_hour);
  e << YAML::EndMap;
}


}  // namespace

std::string resolved_yaml(const Scenario& s) {
  YAML::Emitter e;
  e << YAML::BeginMap;
  e << YAML::Key << "name" << YAML::Value << s.name;
  e << YAML::Key << "seed" << YAML::Value << s.seed;
  e << YAML::Key << "model" << YAML::Value;
  model(e, s.model);
  e << YAML::Key << "hardware" << YAML::Value;
  hardware(e, s.hardware);
  e << YAML::Key << "cluster" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "nodes" << YAML::Value << s.cluster.nodes;
  e << YAML::Key << "devices_per_node" << YAML::Value << s.cluster.devices_per_node;
  if (s.cluster.topology_spec) {
    // Absolute, so the resolved scenario loads again from the results folder.
    e << YAML::Key << "topology_file" << YAML::Value
      << std::filesystem::absolute(s.cluster.topology_file).lexically_normal().string();
  } else {
    plugin(e, "topology", topology_builders(), s.cluster.topology);
  }
  e << YAML::EndMap;
  e << YAML::Key << "deployment" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "pools" << YAML::Value << YAML::BeginSeq;
  for (const auto& p : s.deployment.pools) {
    e << YAML::BeginMap;
    e << YAML::Key << "role" << YAML::Value << p.role;
    e << YAML::Key << "replicas" << YAML::Value << p.replicas;
    e << YAML::Key << "tp" << YAML::Value << p.parallel.tp;
    e << YAML::Key << "dp" << YAML::Value << p.parallel.dp;
    e << YAML::Key << "ep" << YAML::Value << p.parallel.ep;
    e << YAML::Key << "redundant_experts" << YAML::Value << p.parallel.redundant_experts;
    e << YAML::Key << "two_batch_overlap" << YAML::Value << p.parallel.two_batch_overlap;
    // Written only when the pool sets them; otherwise the model's precision holds them.
    if (p.dispatch_dtype)
      e << YAML::Key << "dispatch_dtype" << YAML::Value << std::string(dtype_name(*p.dispatch_dtype));
    if (p.combine_dtype)
      e << YAML::Key << "combine_dtype" << YAML::Value << std::string(dtype_name(*p.combine_dtype));
    e << YAML::Key << "dispatch_overhead_per_token" << YAML::Value
      << q(p.parallel.dispatch_overhead_per_token.value(), Dimension::kBytes);
    // The default (pairwise, no parameters) is left out, as before the key existed.
    if (p.dispatch.name != "pairwise") plugin(e, "dispatch", dispatch_models(), p.dispatch);
    if (!p.devices.empty()) {
      e << YAML::Key << "devices" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (int d : p.devices) e << d;
      e << YAML::EndSeq;
    }
    e << YAML::EndMap;
  }
  e << YAML::EndSeq << YAML::EndMap;
  const auto& v = s.serving;
  e << YAML::Key << "serving" << YAML::Value << YAML::BeginMap;
  plugin(e, "scheduler", schedulers(), v.scheduler);
  plugin(e, "router", routers(), v.router);
  plugin(e, "decode_router", routers(), v.decode_router);
  e << YAML::Key << "dp_scheduling" << YAML::Value << v.dp_scheduling;
  plugin(e, "dp_router", routers(), v.dp_router);
  plugin(e, "cost_model", cost_models(), v.cost_model);
  plugin(e, "routing", routing_models(), v.routing);
  plugin(e, "engine", engine_overheads(), v.engine);
  e << YAML::Key << "kv_block_size" << YAML::Value << v.kv_block_size;
  e << YAML::Key << "memory_utilization" << YAML::Value << v.memory_utilization;
  e << YAML::Key << "max_model_len" << YAML::Value << v.max_model_len;
  e << YAML::Key << "reuse_preempted_kv" << YAML::Value << v.reuse_preempted_kv;
  e << YAML::Key << "prefix_cache_blocks" << YAML::Value << v.prefix_cache_blocks;
  e << YAML::Key << "prefix_block_tokens" << YAML::Value << v.prefix_block_tokens;
  e << YAML::Key << "prefix_cache_scope" << YAML::Value << v.prefix_cache_scope;
  e << YAML::Key << "prefix_pool_bandwidth" << YAML::Value
    << q(v.prefix_pool_bandwidth.value(), Dimension::kBandwidth);
  e << YAML::Key << "prefix_pool_latency" << YAML::Value
    << q(v.prefix_pool_latency.value(), Dimension::kTime);
  e << YAML::EndMap;
  if (s.speculative.enabled) {
    const auto& sp = s.speculative;
    e << YAML::Key << "speculative" << YAML::Value << YAML::BeginMap;
    plugin(e, "method", speculation_methods(), sp.method);
    if (sp.draft) {
      e << YAML::Key << "draft" << YAML::Value;
      model(e, *sp.draft);
    }
    e << YAML::Key << "gamma" << YAML::Value << sp.gamma;
    plugin(e, "acceptance", acceptance_models(), sp.acceptance);
    plugin(e, "policy", speculation_policies(), sp.policy);
    e << YAML::Key << "compare_without_speculation" << YAML::Value << sp.compare_without_speculation;
    e << YAML::EndMap;
  }
  e << YAML::Key << "workload" << YAML::Value << YAML::BeginMap;
  plugin(e, "source", request_sources(), s.workload.source);
  plugin(e, "lengths", length_distributions(), s.workload.lengths);
  e << YAML::EndMap;
  if (s.slo.any()) {
    e << YAML::Key << "slo" << YAML::Value << YAML::BeginMap;
    if (s.slo.ttft) e << YAML::Key << "ttft" << YAML::Value << q(s.slo.ttft->value(), Dimension::kTime);
    if (s.slo.tpot) e << YAML::Key << "tpot" << YAML::Value << q(s.slo.tpot->value(), Dimension::kTime);
    if (s.slo.e2e) e << YAML::Key << "e2e" << YAML::Value << q(s.slo.e2e->value(), Dimension::kTime);
    e << YAML::EndMap;
  }
  if (s.cost.price_per_device_hour) {
    e << YAML::Key << "cost" << YAML::Value << YAML::BeginMap << YAML::Key
      << "price_per_device_hour" << YAML::Value << exact(*s.cost.price_per_device_hour)
      << YAML::EndMap;
  }
  e << YAML::Key << "output" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "requests_csv" << YAML::Value << s.output.requests_csv;
  e << YAML::Key << "steps_csv" << YAML::Value << s.output.steps_csv << YAML::EndMap;
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace moesim
