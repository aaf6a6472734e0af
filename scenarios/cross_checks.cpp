#include "scenarios/cross_checks.hpp"

#include <cstdio>

#include "models/memory.hpp"

namespace moesim {
namespace {

std::string gib(Bytes b) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", b.value() / 1073741824.0);
  return buf;
}

// Reports at deployment.<key> when the deployment section exists, else at the root.
void layout_error(MapReader& root, const std::string& key, const std::string& message) {
  if (auto d = root.map("deployment", Req::kOptional)) {
    d->error(d->has(key) ? key : "", message);
    return;
  }
  root.error("", "deployment." + key + ": " + message);
}

int extra_moe_layers(const Scenario& s) {
  return s.speculative.enabled && s.speculative.method.name == "mtp" ? s.model.mtp_layers : 0;
}

}  // namespace

Bytes kv_budget_per_device(const Scenario& s) {
  const Parallel& p = s.deployment.parallel;
  Bytes used = weights_per_device(s.model, p, extra_moe_layers(s));
  if (s.speculative.enabled && s.speculative.draft) {
    Parallel dp = p;
    dp.ep = 1;
    used += weights_per_device(*s.speculative.draft, dp);
  }
  return s.hardware.memory_capacity * s.serving.memory_utilization - used;
}

void cross_check(MapReader& root, const Scenario& s) {
  const Parallel& p = s.deployment.parallel;
  const ModelArch& m = s.model;
  const int needed = s.deployment.replicas * p.devices();
  if (needed > s.cluster.devices()) {
    layout_error(root, "tp",
                 "the deployment needs " + std::to_string(needed) + " devices (replicas " +
                     std::to_string(s.deployment.replicas) + " x tp " + std::to_string(p.tp) +
                     " x dp " + std::to_string(p.dp) + ") but the cluster has " +
                     std::to_string(s.cluster.devices()) + " (nodes " +
                     std::to_string(s.cluster.nodes) + " x devices_per_node " +
                     std::to_string(s.cluster.devices_per_node) + ")");
  }
  if (m.heads % p.tp != 0) {
    layout_error(root, "tp",
                 "tp=" + std::to_string(p.tp) + " does not divide the model's " +
                     std::to_string(m.heads) + " attention heads");
  }
  if (!m.is_moe() && p.ep != 1) {
    layout_error(root, "ep", "ep must be 1 for the dense model '" + m.name + "'");
  }
  if (m.is_moe() && p.devices() % p.ep != 0) {
    layout_error(root, "ep",
                 "ep=" + std::to_string(p.ep) + " does not divide the instance's " +
                     std::to_string(p.devices()) + " devices (tp x dp)");
  }
  if (m.is_moe() && m.moe.experts % p.ep != 0) {
    layout_error(root, "ep",
                 "ep=" + std::to_string(p.ep) + " does not divide the model's " +
                     std::to_string(m.moe.experts) + " routed experts");
  }
  if (s.speculative.draft && s.speculative.draft->heads % p.tp != 0) {
    layout_error(root, "tp", "tp=" + std::to_string(p.tp) + " does not divide the draft model's " +
                                 std::to_string(s.speculative.draft->heads) + " attention heads");
  }
  // Memory: weights plus the KV cache of one sequence of max_model_len tokens.
  const Bytes usable = s.hardware.memory_capacity * s.serving.memory_utilization;
  const Bytes weights = usable - kv_budget_per_device(s);
  const Bytes min_kv = kv_bytes_per_token_per_device(m, p) * double(s.serving.max_model_len);
  if (weights + min_kv > usable) {
    layout_error(root, "tp",
                 "model '" + m.name + "' does not fit: weights " + gib(weights) +
                     " + KV for one max_model_len sequence " + gib(min_kv) + " per device exceed " +
                     gib(usable) + " usable on '" + s.hardware.name + "' (" +
                     gib(s.hardware.memory_capacity) + " x memory_utilization " +
                     std::to_string(s.serving.memory_utilization).substr(0, 4) +
                     "); use more devices (tp/ep) or a smaller weight dtype");
  }
}

}  // namespace moesim
