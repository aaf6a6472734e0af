// moesim cost: one step of a model on a device, operator by operator, and with speculation the
// target efficiency and analytic speedup of docs/equations.md.
#include <cstdio>
#include <iostream>
#include <sstream>

#include "analysis/json_writer.hpp"
#include "cli/args.hpp"
#include "cli/command_specs.hpp"
#include "cli/commands.hpp"
#include "models/acceptance_model.hpp"
#include "models/collective_model.hpp"
#include "models/comm_efficiency.hpp"
#include "models/precision.hpp"
#include "models/speculation_model.hpp"
#include "scenarios/catalog.hpp"

namespace moesim {
namespace {

// "skewed:1.2" or "skewed:exponent=1.2,placement_seed=3" -> name + params (first param when
// no key is given).
template <class I, class... A>
ParamSet params_from_cli(const Registry<I, A...>& reg, const std::string& text) {
  const auto colon = text.find(':');
  const std::string name = text.substr(0, colon);
  const auto& entry = reg.at(name);
  ParamSet params;
  if (colon != std::string::npos) {
    std::stringstream ss(text.substr(colon + 1));
    for (std::string item; std::getline(ss, item, ',');) {
      std::string key, value = item;
      if (auto eq = item.find('='); eq != std::string::npos) {
        key = item.substr(0, eq);
        value = item.substr(eq + 1);
      } else if (!entry.params.empty()) {
        key = entry.params.front().name;
      }
      const ParamSpec* spec = nullptr;
      for (const auto& p : entry.params) {
        if (p.name == key) spec = &p;
      }
      if (!spec) throw UsageError(reg.family() + " '" + name + "' has no parameter '" + key + "'");
      std::string err;
      ParamValue v = param_from_text(*spec, value, err);
      if (!err.empty()) throw UsageError(reg.family() + " '" + name + "': " + key + ": " + err);
      params.set(key, v);
    }
  }
  return params;
}

template <class I, class... A>
std::unique_ptr<I> plugin_from_cli(const Registry<I, A...>& reg, const std::string& text) {
  return reg.create(text.substr(0, text.find(':')), params_from_cli(reg, text));
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// "w4a16,kv_cache=fp8": an optional scheme, then fields written over it (model.precision).
PrecisionChoice precision_from_cli(const std::string& text) {
  PrecisionChoice c;
  std::vector<std::pair<std::string, DType>> fields;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) {
      const auto wa = parse_precision_scheme(item);
      if (!wa) {
        throw UsageError("--precision: unknown scheme '" + item + "' (valid: " +
                         joined(precision_scheme_names()) + ")");
      }
      c.weights = wa->first;
      c.activations = wa->second;
      continue;
    }
    const std::string field = item.substr(0, eq), value = item.substr(eq + 1);
    if (!precision_field(c, field)) {
      throw UsageError("--precision: unknown field '" + field + "' (valid: " +
                       joined(precision_field_names()) + ")");
    }
    const auto dt = parse_dtype(value);
    if (!dt) {
      throw UsageError("--precision: " + field + ": unknown dtype '" + value + "' (valid: " +
                       joined(dtype_names()) + ")");
    }
    fields.emplace_back(field, *dt);
  }
  for (const auto& [field, dt] : fields) *precision_field(c, field) = dt;
  return c;
}

std::string si(double v, const char* unit) {
  const char* prefixes[] = {"", "K", "M", "G", "T", "P"};
  int i = 0;
  while (v >= 1000 && i < 5) {
    v /= 1000;
    ++i;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g %s%s", v, prefixes[i], unit);
  return buf;
}

}  // namespace

int cmd_cost(int argc, char** argv) {
  const Args a(argc, argv, 2, command_spec("cost"));
  for (const char* req : {"model", "hardware"}) {
    if (!a.has(req)) throw UsageError(std::string("missing --") + req + "\n" + a.usage());
  }
  ModelArch model = load_model_preset(*a.get("model"));
  if (auto p = a.get("precision")) model.precision = apply_precision(model.precision, precision_from_cli(*p));
  const Hardware hw = load_hardware_preset(*a.get("hardware"));
  Parallel par;
  // Ranges as in a scenario (deployment.tp/dp/ep, serving.max_num_seqs, max_model_len): the
  // step's cost grows with batch x q, and an unbounded one never finishes.
  par.tp = int(a.get_int_in("tp", 1));
  par.dp = int(a.get_int_in("dp", 1));
  par.ep = int(a.get_int_in("ep", 1));
  par.devices_per_node = int(a.get_int_in("devices-per-node", hw.scale_up.domain_size));
  const long long batch = a.get_int_in("batch", 1);
  const long long q = a.get_int_in("q", 1);
  const long long context = a.get_int_in("context", 1024);
  if (batch * q > (1LL << 30)) {
    throw UsageError("--batch x --q is " + std::to_string(batch * q) +
                     " tokens; at most 1073741824 in one step");
  }
  std::string cost_name = a.get_or("cost-model", a.has("profile") ? "profiled" : "roofline");
  if (a.has("profile")) cost_name += ":profile=" + *a.get("profile");
  std::shared_ptr<const CostModel> cost = plugin_from_cli(cost_models(), cost_name);
  std::shared_ptr<const RoutingModel> routing =
      plugin_from_cli(routing_models(), a.get_or("routing", "uniform"));
  // --comm-efficiency NAME[:value|:key=value,...], as hardware.communication_efficiency.
  Hardware priced = hw;
  if (auto ce = a.get("comm-efficiency")) {
    ParamSet p = params_from_cli(communication_efficiencies(), *ce);
    if (p.has("profile")) {
      const std::string found = find_collective_profile(p.text("profile"), "");
      if (found.empty()) {
        throw UsageError("--comm-efficiency: no collective table '" + p.text("profile") +
                         "' (a collective.csv, a folder holding one, or a folder of "
                         "models/profiles/)");
      }
      p.set("profile", found);
    }
    priced.communication_efficiency = {ce->substr(0, ce->find(':')), p};
  }
  auto collectives = std::make_shared<LinkCollectiveModel>(
      priced, par.devices_per_node, make_communication_efficiency(priced));
  StepCostCalculator calc(model, hw, par, cost, routing, collectives);
  const StepCost step = calc.evaluate(BatchShape::decode(batch, q, context));

  // Speculation (optional).
  const int gamma = int(a.get_int_in("gamma", 0));
  std::optional<SpeculationAnalysis> spec;
  std::string method_name;
  if (gamma > 0) {
    method_name = a.get_or("spec-method", a.has("draft") ? "draft_model" : "");
    if (method_name.empty()) throw UsageError("--gamma needs --draft M or --spec-method NAME");
    auto method = speculation_methods().create(method_name, {});
    std::unique_ptr<StepCostCalculator> draft;
    if (a.has("draft")) {
      Parallel dpar = par;
      dpar.ep = 1;
      draft = std::make_unique<StepCostCalculator>(load_model_preset(*a.get("draft")), hw, dpar,
                                                   cost, routing, collectives);
    }
    ParamSet ap;
    ap.set("alpha", a.get_number("alpha", 0.8));
    auto acceptance = acceptance_models().create("iid", ap);
    spec = analyse_speculation(calc, *method, draft.get(), *acceptance, batch, context, gamma);
  }

  const double per_layer = step.per_layer_mean(model.layers).value();
  if (a.has("json")) {
    JsonWriter j;
    j.begin_object();
    j.field("model", model.name).field("hardware", hw.name).field("tp", par.tp);
    j.field("dp", par.dp).field("ep", par.ep).field("batch", batch).field("q", q);
    j.field("context", context).field("step_time_s", step.total.value());
    j.field("per_layer_time_s", per_layer).field("layers", model.layers);
    j.field("activated_experts", step.expert_load.activated_experts);
    j.field("max_device_activated_experts", step.expert_load.max_device_activated);
    j.field("mean_device_assignments", step.expert_load.mean_device_assignments);
    j.field("max_device_assignments", step.expert_load.max_device_assignments);
    j.key("precision").begin_object();
    for (const auto& [field, dt] : precision_entries(model.precision))
      j.field(field, std::string(dtype_name(dt)));
    j.end_object();
    j.key("ops").begin_array();
    for (const auto& p : step.ops) {
      j.begin_object();
      j.field("name", p.op.name);
      j.field("dtype", std::string(dtype_name(p.op.dtype)));
      j.field("scope", p.op.scope == OpScope::kPerLayer ? "per_layer" : "per_step");
      j.field("repeat", p.op.repeat).field("time_s", p.time.value());
      j.field("total_s", p.total().value()).field("flops", p.op.flops.value());
      j.field("bytes", p.op.bytes.value() + p.op.message.value());
      j.field("bound", p.op.collective != Collective::kNone ? "communication"
                       : p.compute_bound                    ? "compute"
                                                            : "memory");
      j.end_object();
    }
    j.end_array();
    if (spec) {
      j.key("speculation").begin_object();
      j.field("method", method_name).field("gamma", gamma);
      j.field("alpha", a.get_number("alpha", 0.8));
      j.field("target_time_q1_s", spec->target_q1.value());
      j.field("target_time_verify_s", spec->target_verify.value());
      j.field("draft_time_s", spec->draft.value());
      j.field("rejection_time_s", spec->rejection.value());
      j.field("target_efficiency", spec->target_efficiency);
      j.field("expected_tokens_per_round", spec->expected_emitted);
      j.field("speedup", spec->speedup);
      j.end_object();
    }
    j.end_object();
    std::cout << j.str();
    return 0;
  }
  std::printf("%s on %s: tp %d dp %d ep %d | batch %lld, q %lld, context %lld | %s cost model\n",
              model.name.c_str(), hw.name.c_str(), par.tp, par.dp, par.ep, batch, q, context,
              a.get_or("cost-model", "roofline").c_str());
  std::string formats;
  for (const auto& [field, dt] : precision_entries(model.precision))
    formats += (formats.empty() ? "" : ", ") + field + " " + std::string(dtype_name(dt));
  std::printf("precision: %s\n\n", formats.c_str());
  std::printf("%-20s %-5s %-9s %6s %12s %12s %6s %11s %11s  %s\n", "op", "dtype", "scope",
              "repeat", "time/occ", "total", "share", "FLOPs", "bytes", "bound");
  bool fallback_peak = false;
  for (const auto& p : step.ops) {
    const char* bound = p.op.collective != Collective::kNone ? "comm"
                        : p.compute_bound                    ? "compute"
                                                             : "memory";
    // Arithmetic in a dtype the device has no peak for runs at its bf16 peak.
    const bool fallback = p.op.flops.value() > 0 && !hw.has_native(p.op.dtype);
    fallback_peak = fallback_peak || fallback;
    const std::string dtype = std::string(dtype_name(p.op.dtype)) + (fallback ? "*" : "");
    std::printf("%-20s %-5s %-9s %6.0f %12s %12s %5.1f%% %11s %11s  %s\n", p.op.name,
                dtype.c_str(), p.op.scope == OpScope::kPerLayer ? "per_layer" : "per_step",
                p.op.repeat,
                format_quantity(p.time.value(), Dimension::kTime).c_str(),
                format_quantity(p.total().value(), Dimension::kTime).c_str(),
                100.0 * (p.total() / step.total), si(p.op.flops.value(), "FLOP").c_str(),
                si(p.op.bytes.value() + p.op.message.value(), "B").c_str(), bound);
  }
  if (fallback_peak) {
    std::printf("* %s has no peak for this dtype: priced at its bf16 peak\n", hw.name.c_str());
  }
  std::printf("\nmean layer %s | step %s | %.1f tokens/s\n",
              format_quantity(per_layer, Dimension::kTime).c_str(),
              format_quantity(step.total.value(), Dimension::kTime).c_str(),
              double(batch * q) / step.total.value());
  if (model.is_moe()) {
    std::printf("activated experts per MoE layer: %.1f of %d; busiest EP rank: %.1f experts, "
                "%.1f token-expert pairs (mean %.1f)\n",
                step.expert_load.activated_experts, model.moe.experts,
                step.expert_load.max_device_activated, step.expert_load.max_device_assignments,
                step.expert_load.mean_device_assignments);
  }
  if (spec) {
    std::printf("\nspeculation (%s, gamma %d, alpha %.2f):\n", method_name.c_str(), gamma,
                a.get_number("alpha", 0.8));
    std::printf("  T(B,1) %s | T(B,%d) %s | draft %s | rejection %s\n",
                format_quantity(spec->target_q1.value(), Dimension::kTime).c_str(), gamma + 1,
                format_quantity(spec->target_verify.value(), Dimension::kTime).c_str(),
                format_quantity(spec->draft.value(), Dimension::kTime).c_str(),
                format_quantity(spec->rejection.value(), Dimension::kTime).c_str());
    std::printf("  target efficiency %.3f | tokens per round %.2f | speedup %.2fx\n",
                spec->target_efficiency, spec->expected_emitted, spec->speedup);
  }
  return 0;
}

}  // namespace moesim
