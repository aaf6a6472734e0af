#include "scenarios/cross_checks.hpp"

#include <cstdint>
#include <cstdio>

#include "models/dispatch_model.hpp"
#include "models/memory.hpp"

namespace moesim {
namespace {

// The topology builders' limit (topology/topology_builder.hpp).
constexpr std::int64_t kMaxClusterDevices = std::int64_t(1) << 20;

std::string gib(Bytes b) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", b.value() / 1073741824.0);
  return buf;
}

// Key path of pool `i`'s field: "deployment.tp" for a single pool, else "deployment.pools[i].tp".
std::string pool_key(const Scenario& s, std::size_t i, const std::string& key) {
  const bool listed = s.deployment.pools.size() > 1 || s.deployment.disaggregated();
  return listed ? "pools[" + std::to_string(i) + "]." + key : key;
}

// Reports at deployment.<key> (a file position when the key is written there).
void layout_error(MapReader& root, const std::string& key, const std::string& message) {
  if (auto d = root.map("deployment", Req::kOptional)) {
    if (key.rfind("pools[", 0) == 0) {
      const std::size_t close = key.find(']');
      const std::size_t idx = std::stoul(key.substr(6, close - 6));
      const std::string field = key.substr(close + 2);
      const YAML::Node pools = d->raw("pools");
      if (pools.IsSequence() && idx < pools.size()) {
        MapReader pr(pools[idx], d->child_path(key.substr(0, close + 1)), d->file(), d->context());
        pr.error(pr.has(field) ? field : "", message);
        return;
      }
    }
    d->error(d->has(key) ? key : "", message);
    return;
  }
  root.error("", "deployment." + key + ": " + message);
}

int extra_moe_layers(const Scenario& s) {
  return s.speculative.enabled && s.speculative.method.name == "mtp" ? s.model.mtp_layers : 0;
}

void check_pool(MapReader& root, const Scenario& s, std::size_t i) {
  const PoolConfig& pool = s.deployment.pools[i];
  const Parallel& p = pool.parallel;
  const ModelArch& m = s.model;
  auto key = [&](const char* k) { return pool_key(s, i, k); };
  if (m.heads % p.tp != 0) {
    layout_error(root, key("tp"),
                 "tp=" + std::to_string(p.tp) + " does not divide the model's " +
                     std::to_string(m.heads) + " attention heads");
  }
  if (!m.is_moe() && p.ep != 1) {
    layout_error(root, key("ep"), "ep must be 1 for the dense model '" + m.name + "'");
  }
  if (m.is_moe() && p.devices() % p.ep != 0) {
    layout_error(root, key("ep"),
                 "ep=" + std::to_string(p.ep) + " does not divide the instance's " +
                     std::to_string(p.devices()) + " devices (tp x dp)");
  }
  if (m.is_moe() && p.ep > 1 && p.devices() % p.ep == 0 &&
      (m.moe.experts + p.redundant_experts) % p.ep == 0) {
    // The dispatch mode's parameters against this layout (node_limited: the node limit must
    // leave K experts), asked once with a balanced pass.
    DispatchInput in;
    in.tokens = p.ep;
    in.experts = m.moe.experts + p.redundant_experts;
    in.top_k = m.moe.top_k;
    in.ep = p.ep;
    in.devices = p.devices();
    in.devices_per_node = s.cluster.devices_per_node;
    in.max_pairs = in.mean_pairs = double(m.moe.top_k);
    in.bytes_per_token = m.hidden;
    try {
      (void)dispatch_models().create(pool.dispatch.name, pool.dispatch.params)->call(in);
    } catch (const ConfigError& e) {
      layout_error(root, key("dispatch"), std::string("dispatch '") + pool.dispatch.name +
                                              "': " + e.what());
    }
  }
  if (m.is_moe() && (m.moe.experts + p.redundant_experts) % p.ep != 0) {
    layout_error(root, key("ep"),
                 "ep=" + std::to_string(p.ep) + " does not divide the model's " +
                     std::to_string(m.moe.experts) + " routed experts" +
                     (p.redundant_experts > 0
                          ? " + " + std::to_string(p.redundant_experts) + " redundant"
                          : std::string()));
  }
  if (s.speculative.draft && s.speculative.draft->heads % p.tp != 0) {
    layout_error(root, key("tp"),
                 "tp=" + std::to_string(p.tp) + " does not divide the draft model's " +
                     std::to_string(s.speculative.draft->heads) + " attention heads");
  }
  // Memory: weights plus the KV cache of one sequence of max_model_len tokens.
  const Bytes usable = s.hardware.memory_capacity * s.serving.memory_utilization;
  const Bytes weights = usable - kv_budget_per_device(s, p);
  const Bytes min_kv = kv_bytes_per_token_per_device(m, p) * double(s.serving.max_model_len);
  if (weights + min_kv > usable) {
    layout_error(root, key("tp"),
                 "model '" + m.name + "' does not fit: weights " + gib(weights) +
                     " + KV for one max_model_len sequence " + gib(min_kv) + " per device exceed " +
                     gib(usable) + " usable on '" + s.hardware.name + "' (" +
                     gib(s.hardware.memory_capacity) + " x memory_utilization " +
                     std::to_string(s.serving.memory_utilization).substr(0, 4) +
                     "); use more devices (tp/ep) or a smaller weight dtype");
  }
}

// Explicit `devices` lists: the right length, inside the cluster, no device held twice.
void check_placement(MapReader& root, const Scenario& s) {
  const int cluster = s.cluster.devices();
  std::vector<int> owner(std::size_t(cluster), -1);
  for (std::size_t i = 0; i < s.deployment.pools.size(); ++i) {
    const PoolConfig& pool = s.deployment.pools[i];
    if (pool.devices.empty()) continue;
    const std::size_t want = std::size_t(pool.replicas) * std::size_t(pool.parallel.devices());
    if (pool.devices.size() != want) {
      layout_error(root, pool_key(s, i, "devices"),
                   "lists " + std::to_string(pool.devices.size()) + " devices but the pool needs " +
                       std::to_string(want) + " (replicas " + std::to_string(pool.replicas) +
                       " x tp " + std::to_string(pool.parallel.tp) + " x dp " +
                       std::to_string(pool.parallel.dp) + ")");
      continue;
    }
    for (int d : pool.devices) {
      if (d >= cluster) {
        layout_error(root, pool_key(s, i, "devices"),
                     "device " + std::to_string(d) + " is outside the cluster's " +
                         std::to_string(cluster) + " devices (0.." + std::to_string(cluster - 1) +
                         ")");
        break;
      }
      int& o = owner[std::size_t(d)];
      if (o >= 0) {
        layout_error(root, pool_key(s, i, "devices"),
                     "device " + std::to_string(d) + " is listed twice" +
                         (o == int(i) ? std::string(" in this pool")
                                      : " (also in pools[" + std::to_string(o) + "])"));
        break;
      }
      o = int(i);
    }
  }
}

}  // namespace

Bytes kv_budget_per_device(const Scenario& s, const Parallel& p) {
  Bytes used = weights_per_device(s.model, p, extra_moe_layers(s));
  if (s.speculative.enabled && s.speculative.draft) {
    Parallel dp = p;
    dp.ep = 1;
    used += weights_per_device(*s.speculative.draft, dp);
  }
  return s.hardware.memory_capacity * s.serving.memory_utilization - used;
}

void cross_check(MapReader& root, const Scenario& s) {
  const auto& pools = s.deployment.pools;
  // Counted in 64 bits: nodes x devices_per_node and replicas x tp x dp can each pass 2^31
  // within their own ranges, and a wrapped int would let an impossible layout through.
  const std::int64_t cluster_devices = std::int64_t(s.cluster.nodes) * s.cluster.devices_per_node;
  if (cluster_devices > kMaxClusterDevices) {
    MapReader c = root.map("cluster", Req::kOptional).value_or(root);
    c.error(c.path() == "cluster" && c.has("nodes") ? "nodes" : "",
            "the cluster has " + std::to_string(cluster_devices) + " devices (nodes " +
                std::to_string(s.cluster.nodes) + " x devices_per_node " +
                std::to_string(s.cluster.devices_per_node) + "); at most " +
                std::to_string(kMaxClusterDevices) + " are supported");
    return;
  }
  std::int64_t needed = 0;
  for (const auto& p : pools) needed += std::int64_t(p.replicas) * p.parallel.tp * p.parallel.dp;
  if (needed > cluster_devices) {
    std::string parts;
    for (const auto& p : pools) {
      parts += (parts.empty() ? "" : " + ") + std::string("replicas ") +
               std::to_string(p.replicas) + " x tp " + std::to_string(p.parallel.tp) + " x dp " +
               std::to_string(p.parallel.dp);
    }
    layout_error(root, pool_key(s, 0, "tp"),
                 "the deployment needs " + std::to_string(needed) + " devices (" + parts +
                     ") but the cluster has " + std::to_string(cluster_devices) + " (nodes " +
                     std::to_string(s.cluster.nodes) + " x devices_per_node " +
                     std::to_string(s.cluster.devices_per_node) + ")");
  }
  check_placement(root, s);
  if (s.deployment.disaggregated()) {
    int prefill = 0, decode = 0, colocated = 0;
    for (const auto& p : pools) {
      prefill += p.role == "prefill";
      decode += p.role == "decode";
      colocated += p.role == "colocated";
    }
    if (prefill == 0 || decode == 0 || colocated > 0) {
      layout_error(root, "pools",
                   "a disaggregated deployment needs at least one prefill and one decode pool, "
                   "and no colocated pool");
    }
  }
  for (std::size_t i = 0; i < pools.size(); ++i) {
    // A pool larger than any cluster was reported above; its tp x dp may not fit an int.
    if (std::int64_t(pools[i].parallel.tp) * pools[i].parallel.dp > kMaxClusterDevices) continue;
    check_pool(root, s, i);
  }
}

}  // namespace moesim
