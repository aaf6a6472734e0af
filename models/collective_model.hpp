// Collective-communication time inside a step (closed form). The simple link model here reads
// the hardware preset's scale-up and scale-out links; the topology layer adds graph-based ones.
#pragma once

#include <memory>

#include "models/comm_efficiency.hpp"
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
// The communication-efficiency plug-in plans each call (CommunicationEfficiency::plan: algorithm,
// eta, overhead o; the constant, curve and measured plug-ins always plan ring / direct):
//  ring all-reduce of S bytes over n: o + 2(n-1)/n * S / (bw * eta) + 2(n-1) * latency
//  tree all-reduce:                   o + 2(n-1)/n * S / (bw * eta) + 2 ceil(log2 n) * latency
//  one-shot all-reduce (custom):      o + (n-1) * S / (bw * eta) + latency
//                                     (each device reads every peer's whole buffer)
//  two-shot all-reduce (custom):      o + 2(n-1)/n * S / (bw * eta) + 2 * latency
//  all-gather (S = full buffer):        o + (n-1)/n * S / (bw * eta) + (n-1) * latency
//  reduce-scatter (S = full input):     o + (n-1)/n * S / (bw * eta) + (n-1) * latency
//  all-to-all (S = bytes one device sends to its peers, concurrently): o + S / (bw * eta) + latency,
//  split over scale-up and scale-out peers in proportion to their number when n spans nodes, or
//  as Op::call.scale_out says (S_out over scale-out, S - S_out over scale-up:
//  o + max(S_up / bw_up, S_out / bw_out) / eta + latency_out). Op::call's eta and overhead,
//  when given, replace the plug-in's.
// Groups of n <= 1 and S <= 0 cost 0 (no call is made, so no overhead either).
class LinkCollectiveModel final : public CollectiveModel {
 public:
  // The efficiency plug-in chosen by hw.communication_efficiency (default: constant).
  LinkCollectiveModel(const Hardware& hw, int devices_per_node);
  // `efficiency` non-null.
  LinkCollectiveModel(const Hardware& hw, int devices_per_node,
                      std::shared_ptr<const CommunicationEfficiency> efficiency);
  [[nodiscard]] Seconds time(const Op& op) const override;

  // The terms of `time` at eta = 1 and without overhead: time = overhead + transfer / eta +
  // latency (transfer = max over links of bytes / bandwidth). Zero for n <= 1 or S <= 0.
  struct Terms {
    Seconds transfer{0};
    Seconds latency{0};
    double steps = 0;  // algorithm steps: latency = steps x link latency
  };
  // Ring (direct for all-to-all) terms, as the measured fit reads them.
  [[nodiscard]] Terms terms(const Op& op) const;
  // The plan the efficiency plug-in makes for `op` on these links.
  [[nodiscard]] CallPlan plan(const Op& op) const;

 private:
  [[nodiscard]] Terms parts(const Op& op, CollectiveAlgorithm a, double eta) const;

  LinkSpec up_;
  LinkSpec out_;
  std::shared_ptr<const CommunicationEfficiency> eff_;
  int domain_;
};

}  // namespace moesim
