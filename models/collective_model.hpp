// Collective-communication time inside a step (closed form). The simple link model here reads
// the hardware preset's scale-up and scale-out links; the topology layer adds graph-based ones.
#pragma once

#include "models/hardware.hpp"
#include "models/operator.hpp"

namespace moesim {

class CollectiveModel {
 public:
  virtual ~CollectiveModel() = default;
  // Time of one occurrence of a communication op (op.collective != kNone).
  [[nodiscard]] virtual Seconds time(const Op& op) const = 0;
};

// Groups that fit in one scale-up domain (min(domain_size, devices_per_node)) use scale-up
// links; larger groups are limited by the share of traffic that crosses scale-out links.
//  ring all-reduce of S bytes over n: 2(n-1)/n * S / (bw * eta) + 2(n-1) * latency
//  all-gather (S = full buffer):        (n-1)/n * S / (bw * eta) + (n-1) * latency
//  all-to-all (S = bytes one device sends to its peers, concurrently): S / (bw * eta) + latency,
//  split over scale-up and scale-out peers in proportion to their number when n spans nodes.
class LinkCollectiveModel final : public CollectiveModel {
 public:
  LinkCollectiveModel(const Hardware& hw, int devices_per_node);
  [[nodiscard]] Seconds time(const Op& op) const override;

 private:
  LinkSpec up_;
  LinkSpec out_;
  double eta_;
  int domain_;
};

}  // namespace moesim
