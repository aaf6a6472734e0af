#include "topology/graph_collectives.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "models/errors.hpp"

namespace moesim {

namespace {
CollectiveAlgorithm base_algorithm(Collective c) {
  return c == Collective::kAllToAll ? CollectiveAlgorithm::kDirect : CollectiveAlgorithm::kRing;
}

std::shared_ptr<const CommunicationEfficiency> constant_efficiency(double eta) {
  if (!(eta > 0.0 && eta <= 1.0)) {
    throw ConfigError("graph collective model: efficiency must be in (0, 1], got " +
                      std::to_string(eta));
  }
  return std::make_shared<ConstantEfficiency>(eta);
}
}  // namespace

GraphCollectiveModel::GraphCollectiveModel(std::shared_ptr<const ClusterGraph> graph,
                                           std::vector<int> devices, double efficiency)
    : GraphCollectiveModel(std::move(graph), std::move(devices), constant_efficiency(efficiency)) {}

GraphCollectiveModel::GraphCollectiveModel(
    std::shared_ptr<const ClusterGraph> graph, std::vector<int> devices,
    std::shared_ptr<const CommunicationEfficiency> efficiency)
    : graph_(std::move(graph)), devices_(std::move(devices)), eff_(std::move(efficiency)) {
  if (!graph_) throw ConfigError("graph collective model: no cluster graph");
  if (devices_.empty()) throw ConfigError("graph collective model: empty placement");
  if (!eff_) throw ConfigError("graph collective model: no communication efficiency");
  std::set<int> seen;
  for (int d : devices_) {
    if (d < 0 || d >= graph_->device_count()) {
      throw ConfigError("placement device " + std::to_string(d) + " is not in the cluster (" +
                        std::to_string(graph_->device_count()) + " devices)");
    }
    if (!seen.insert(d).second) {
      throw ConfigError("placement lists device " + std::to_string(d) + " twice");
    }
  }
}

Seconds GraphCollectiveModel::time(const Op& op) const {
  if (op.collective == Collective::kNone || op.group <= 1 || op.message.value() <= 0) {
    return Seconds(0);
  }
  const Shape& base = shape_ref(op.collective, op.group, base_algorithm(op.collective));
  const CallPlan p = with_override(
      eff_->plan({op.collective, op.message, op.group, base.crosses_domain}), op.call);
  const Shape& a = p.algorithm == base_algorithm(op.collective)
                       ? base
                       : shape_ref(op.collective, op.group, p.algorithm);
  const double eta = p.eta;
  const Seconds latency = p.step_latency.value() >= 0 ? p.step_latency * a.steps : a.latency;
  if (op.collective == Collective::kAllToAll && op.call.splits()) {
    const double s = op.message.value();
    const double out = std::min(s, op.call.scale_out.value());
    const Shape& intra = shape_ref(op.collective, op.group, p.algorithm, Pairs::kIntraNode);
    const Shape& inter = shape_ref(op.collective, op.group, p.algorithm, Pairs::kInterNode);
    const double t = std::max(per_byte(intra, eta) * (s - out), per_byte(inter, eta) * out);
    return Seconds(t) + latency + p.overhead;
  }
  return Seconds(per_byte(a, eta) * op.message.value()) + latency + p.overhead;
}

double GraphCollectiveModel::per_byte(const Shape& a, double eta) {
  // max_e load_e / (bw_e * eta) over the critical links equals the max over all links (eta is
  // common, the others are lower by >= 1e-9 relative) and, for the constant plug-in, is the
  // same floating-point expression as the former cached affine coefficient.
  double out = 0.0;
  for (const auto& l : a.critical) out = std::max(out, l.load / (l.bandwidth * eta));
  return out;
}

GraphCollectiveModel::Shape GraphCollectiveModel::shape(Collective c, int group) const {
  return shape_ref(c, group, base_algorithm(c));
}

const GraphCollectiveModel::Shape& GraphCollectiveModel::shape_ref(Collective c, int group,
                                                                   CollectiveAlgorithm alg,
                                                                   Pairs pairs) const {
  const int placed = int(devices_.size());
  if (group < 1 || group > placed || placed % group != 0) {
    throw ConfigError(std::string(collective_name(c)) + " over groups of " + std::to_string(group) +
                      " devices does not divide the instance's " + std::to_string(placed) +
                      " devices");
  }
  std::lock_guard lock(mutex_);
  const auto key = std::make_tuple(c, group, alg, pairs);
  auto it = cache_.find(key);
  if (it == cache_.end()) it = cache_.emplace(key, compute(c, group, alg, pairs)).first;
  return it->second;  // std::map nodes are stable: the reference outlives later insertions
}

GraphCollectiveModel::Shape GraphCollectiveModel::compute(Collective c, int n,
                                                          CollectiveAlgorithm alg,
                                                          Pairs pairs) const {
  if (n <= 1 || c == Collective::kNone) return {};
  bool crosses = false;
  // Bytes per byte of S on every directed edge, and the algorithm's latency steps.
  std::vector<double> load(std::size_t(graph_->link_count()), 0.0);
  double max_latency = 0.0;
  auto transfer = [&](int src, int dst, double share) {
    const Route& r = graph_->route(src, dst);
    for (int e : r.hops) {
      load[std::size_t(e)] += share;
      const std::string& kind = graph_->link(e).kind;
      if (kind != "scale_up" && kind != "on_package") crosses = true;
    }
    max_latency = std::max(max_latency, r.latency.value());
  };
  double steps = 0.0;
  for (std::size_t first = 0; first < devices_.size(); first += std::size_t(n)) {
    const int* g = devices_.data() + first;
    switch (c) {
      case Collective::kAllReduce:
        if (alg == CollectiveAlgorithm::kOneShot || alg == CollectiveAlgorithm::kTwoShot) {
          // One-shot: each device reads every peer's S; two-shot: S/n each way, twice.
          const bool one = alg == CollectiveAlgorithm::kOneShot;
          steps = one ? 1.0 : 2.0;
          for (int i = 0; i < n; ++i) {
            for (int j = 0; j < n; ++j) {
              if (i != j) transfer(g[j], g[i], one ? 1.0 : 2.0 / n);
            }
          }
          break;
        }
        [[fallthrough]];
      case Collective::kAllGather:
      case Collective::kReduceScatter: {
        const bool reduce = c == Collective::kAllReduce;
        const double share = (reduce ? 2.0 : 1.0) * (n - 1) / n;
        steps = (reduce ? 2.0 : 1.0) * (n - 1);
        if (reduce && alg == CollectiveAlgorithm::kTree) steps = 2.0 * std::ceil(std::log2(double(n)));
        for (int i = 0; i < n; ++i) transfer(g[i], g[(i + 1) % n], share);
        break;
      }
      case Collective::kAllToAll: {
        steps = 1.0;
        if (pairs == Pairs::kAll) {
          for (int i = 0; i < n; ++i) {
            for (int j = 0; j < n; ++j) {
              if (i != j) transfer(g[i], g[j], 1.0 / (n - 1));
            }
          }
          break;
        }
        // Only the pairs inside one node, or only those across nodes, each device's bytes
        // spread evenly over its peers of that kind.
        auto node = [&](int d) { return graph_->vertex(graph_->vertex_of_device(d)).node; };
        const bool intra = pairs == Pairs::kIntraNode;
        for (int i = 0; i < n; ++i) {
          int peers = 0;
          for (int j = 0; j < n; ++j) {
            if (i != j && (node(g[i]) == node(g[j])) == intra) ++peers;
          }
          for (int j = 0; j < n; ++j) {
            if (i != j && (node(g[i]) == node(g[j])) == intra) transfer(g[i], g[j], 1.0 / peers);
          }
        }
        break;
      }
      case Collective::kNone:
        break;
    }
  }
  Shape out;
  for (int e = 0; e < graph_->link_count(); ++e) {
    if (load[std::size_t(e)] > 0) {
      out.seconds_per_byte = std::max(out.seconds_per_byte,
                                      load[std::size_t(e)] / graph_->link(e).bandwidth.value());
    }
  }
  for (int e = 0; e < graph_->link_count(); ++e) {
    const double l = load[std::size_t(e)];
    const double bw = graph_->link(e).bandwidth.value();
    if (l > 0 && l / bw >= out.seconds_per_byte * (1.0 - 1e-9)) out.critical.push_back({l, bw});
  }
  out.latency = Seconds(steps * max_latency);
  out.steps = steps;
  out.crosses_domain = crosses;
  return out;
}

}  // namespace moesim
