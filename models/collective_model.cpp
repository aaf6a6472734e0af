#include "models/collective_model.hpp"

#include <algorithm>
#include <cmath>

namespace moesim {

LinkCollectiveModel::LinkCollectiveModel(const Hardware& hw, int devices_per_node)
    : LinkCollectiveModel(hw, devices_per_node, make_communication_efficiency(hw)) {}

LinkCollectiveModel::LinkCollectiveModel(const Hardware& hw, int devices_per_node,
                                         std::shared_ptr<const CommunicationEfficiency> efficiency)
    : up_(hw.scale_up),
      out_(hw.scale_out),
      eff_(std::move(efficiency)),
      domain_(std::max(1, std::min(hw.scale_up.domain_size, devices_per_node))) {
  if (!eff_) throw ConfigError("link collective model: no communication efficiency");
}

Seconds LinkCollectiveModel::time(const Op& op) const {
  if (op.group <= 1 || op.message.value() <= 0 || op.collective == Collective::kNone)
    return Seconds(0);
  const CallPlan p = with_override(plan(op), op.call);
  Terms t = parts(op, p.algorithm, p.eta);
  // The plug-in's step latency, when it gives one, replaces the link's.
  if (p.step_latency.value() >= 0) t.latency = p.step_latency * t.steps;
  // The sum in this order keeps the constant plug-in (overhead 0) bit-identical to the former
  // `transfer / (bw eta) + latency`.
  return t.transfer + t.latency + p.overhead;
}

CallPlan LinkCollectiveModel::plan(const Op& op) const {
  return eff_->plan({op.collective, op.message, op.group, op.group > domain_});
}

LinkCollectiveModel::Terms LinkCollectiveModel::terms(const Op& op) const {
  if (op.group <= 1 || op.message.value() <= 0) return {};
  return parts(op,
               op.collective == Collective::kAllToAll ? CollectiveAlgorithm::kDirect
                                                      : CollectiveAlgorithm::kRing,
               1.0);
}

LinkCollectiveModel::Terms LinkCollectiveModel::parts(const Op& op, CollectiveAlgorithm a,
                                                      double eta) const {
  const int n = op.group;
  const double s = op.message.value();
  const bool inside = n <= domain_;
  const LinkSpec& ring_link = inside ? up_ : out_;
  switch (op.collective) {
    case Collective::kAllReduce: {
      const double bw = ring_link.bandwidth.value() * eta;
      switch (a) {
        case CollectiveAlgorithm::kOneShot:
          return {Seconds(double(n - 1) * s / bw), ring_link.latency, 1.0};
        case CollectiveAlgorithm::kTwoShot:
          return {Seconds(2.0 * (n - 1) / n * s / bw), ring_link.latency * 2.0, 2.0};
        case CollectiveAlgorithm::kTree: {
          const double steps = 2.0 * std::ceil(std::log2(double(n)));
          return {Seconds(2.0 * (n - 1) / n * s / bw), ring_link.latency * steps, steps};
        }
        case CollectiveAlgorithm::kRing:
        case CollectiveAlgorithm::kDirect: break;
      }
      return {Seconds(2.0 * (n - 1) / n * s / bw), ring_link.latency * (2.0 * (n - 1)),
              2.0 * (n - 1)};
    }
    case Collective::kAllGather:
    case Collective::kReduceScatter:
      return {Seconds(double(n - 1) / n * s / (ring_link.bandwidth.value() * eta)),
              ring_link.latency * double(n - 1), double(n - 1)};
    case Collective::kAllToAll: {
      if (inside) return {Seconds(s / (up_.bandwidth.value() * eta)), up_.latency, 1.0};
      const double local_peers = domain_ - 1;
      const double remote_peers = n - domain_;
      // A caller that knows its traffic (node-limited dispatch) gives the scale-out share.
      const double out_bytes =
          op.call.splits() ? std::min(s, op.call.scale_out.value()) : s * remote_peers / (n - 1);
      const double up_bytes = op.call.splits() ? s - out_bytes : s * local_peers / (n - 1);
      const double t = std::max(up_bytes / up_.bandwidth.value(),
                                out_bytes / out_.bandwidth.value()) / eta;
      return {Seconds(t), out_.latency, 1.0};
    }
    case Collective::kNone: break;
  }
  return {};
}

}  // namespace moesim
