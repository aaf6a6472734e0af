#include "models/collective_model.hpp"

#include <algorithm>

namespace moesim {

LinkCollectiveModel::LinkCollectiveModel(const Hardware& hw, int devices_per_node)
    : up_(hw.scale_up),
      out_(hw.scale_out),
      eta_(hw.efficiency.communication),
      domain_(std::max(1, std::min(hw.scale_up.domain_size, devices_per_node))) {}

Seconds LinkCollectiveModel::time(const Op& op) const {
  const int n = op.group;
  if (n <= 1 || op.message.value() <= 0) return Seconds(0);
  const double s = op.message.value();
  const bool inside = n <= domain_;
  const LinkSpec& ring_link = inside ? up_ : out_;
  switch (op.collective) {
    case Collective::kAllReduce:
      return Seconds(2.0 * (n - 1) / n * s / (ring_link.bandwidth.value() * eta_)) +
             ring_link.latency * (2.0 * (n - 1));
    case Collective::kAllGather:
      return Seconds(double(n - 1) / n * s / (ring_link.bandwidth.value() * eta_)) +
             ring_link.latency * double(n - 1);
    case Collective::kAllToAll: {
      if (inside) return Seconds(s / (up_.bandwidth.value() * eta_)) + up_.latency;
      const double local_peers = domain_ - 1;
      const double remote_peers = n - domain_;
      const double up_bytes = s * local_peers / (n - 1);
      const double out_bytes = s * remote_peers / (n - 1);
      const double t = std::max(up_bytes / up_.bandwidth.value(),
                                out_bytes / out_.bandwidth.value()) / eta_;
      return Seconds(t) + out_.latency;
    }
    case Collective::kNone: break;
  }
  return Seconds(0);
}

}  // namespace moesim
