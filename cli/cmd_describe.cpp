// moesim describe models|hardware|plugins: the catalogs and every plug-in with its parameters
// (from the plug-ins' own declarations).
#include <cstdio>
#include <iostream>

#include "cli/args.hpp"
#include "cli/command_specs.hpp"
#include "models/comm_efficiency.hpp"
#include "cli/commands.hpp"
#include "models/acceptance_model.hpp"
#include "models/cost_model.hpp"
#include "models/dispatch_model.hpp"
#include "models/routing_model.hpp"
#include "models/speculation_model.hpp"
#include "models/speculation_policy.hpp"
#include "scenarios/catalog.hpp"
#include "sim/router.hpp"
#include "sim/engine_overhead.hpp"
#include "sim/scheduler.hpp"
#include "topology/topology_builder.hpp"
#include "workloads/request_source.hpp"

namespace moesim {
namespace {

void describe_models() {
  std::printf("%-22s %-4s %6s %6s %5s %5s %7s %6s %5s %6s %8s %9s\n", "preset", "attn", "layers",
              "hidden", "heads", "kv", "experts", "top_k", "shared", "groups", "params", "active");
  for (const auto& name : catalog_names(CatalogKind::kModels)) {
    const ModelArch m = load_model_preset(name);
    std::printf("%-22s %-4s %6d %6d %5d %5d %7d %6d %5d %6d %7.1fB %8.1fB\n", name.c_str(),
                std::string(attention_kind_name(m.attention)).c_str(), m.layers, m.hidden, m.heads,
                m.kv_heads, m.moe.experts, m.moe.top_k, m.moe.shared_experts, m.moe.groups,
                m.total_params() / 1e9, m.activated_params() / 1e9);
  }
}

void describe_hardware() {
  std::printf("%-16s %10s %10s %10s %9s %10s %11s %11s\n", "preset", "bf16", "fp8", "int8",
              "memory", "mem bw", "scale-up", "scale-out");
  for (const auto& name : catalog_names(CatalogKind::kHardware)) {
    const Hardware h = load_hardware_preset(name);
    auto peak = [&](DType t) {
      return h.has_native(t) ? format_quantity(h.peak.at(t).value(), Dimension::kFlopRate)
                             : std::string("-");
    };
    std::printf("%-16s %10s %10s %10s %9s %10s %11s %11s\n", name.c_str(),
                peak(DType::kBf16).c_str(), peak(DType::kFp8).c_str(), peak(DType::kInt8).c_str(),
                format_quantity(h.memory_capacity.value(), Dimension::kBytes).c_str(),
                format_quantity(h.memory_bandwidth.value(), Dimension::kBandwidth).c_str(),
                format_quantity(h.scale_up.bandwidth.value(), Dimension::kBandwidth).c_str(),
                format_quantity(h.scale_out.bandwidth.value(), Dimension::kBandwidth).c_str());
  }
}

template <class R>
void describe_registry(const R& reg, const char* where) {
  std::printf("\n%s (%s)\n", reg.family().c_str(), where);
  for (const auto& e : reg.entries()) {
    std::printf("  %-26s %s\n", e.name.c_str(), e.help.c_str());
    for (const auto& p : e.params) {
      std::printf("      %-22s %-22s default %-14s %s\n", p.name.c_str(), p.type_text().c_str(),
                  p.default_text().c_str(), p.help.c_str());
    }
  }
}

}  // namespace

int cmd_describe(int argc, char** argv) {
  const Args a(argc, argv, 2, command_spec("describe"));
  const std::string what = a.positionals().empty() ? "" : a.positionals()[0];
  if (what == "models") {
    describe_models();
  } else if (what == "hardware") {
    describe_hardware();
  } else if (what == "plugins") {
    describe_registry(cost_models(), "serving.cost_model");
    describe_registry(routing_models(), "serving.routing");
    describe_registry(dispatch_models(), "deployment.dispatch");
    describe_registry(schedulers(), "serving.scheduler");
    describe_registry(engine_overheads(), "serving.engine");
    describe_registry(routers(), "serving.router, serving.decode_router, serving.dp_router");
    describe_registry(topology_builders(), "cluster.topology");
    describe_registry(communication_efficiencies(), "hardware.communication_efficiency");
    std::printf("  %-26s %s\n", "(cluster.topology_file)",
                "instead of a builder: a YAML file of vertices and links (topology/README.md)");
    describe_registry(speculation_methods(), "speculative.method");
    describe_registry(acceptance_models(), "speculative.acceptance");
    describe_registry(speculation_policies(), "speculative.policy");
    describe_registry(request_sources(), "workload.source");
    describe_registry(length_distributions(), "workload.lengths");
  } else {
    throw UsageError(a.usage());
  }
  return 0;
}

}  // namespace moesim
