// Collective-communication time over the routes of a ClusterGraph (closed form, cached by shape).
// Generalises models' LinkCollectiveModel, which it reproduces on one switch node.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "models/collective_model.hpp"
#include "topology/cluster_graph.hpp"

namespace moesim {

// An op with group n runs in the consecutive groups of n devices of the placement (TP groups:
// devices [0, n), [n, 2n), ...), all groups at once. Each algorithm is a set of concurrent
// transfers; bytes_e is the sum, over every transfer of every group whose route crosses directed
// edge e, of that transfer's bytes. With S = op.message and eta = efficiency:
//   ring all-reduce: transfer g_i -> g_(i+1 mod n) of 2(n-1)/n * S bytes per device;
//                    time = max_e bytes_e / (bw_e * eta) + 2(n-1) * max route latency
//   all-gather:      (n-1)/n * S per ring transfer; (n-1) * max route latency
//   all-to-all:      S = bytes one device sends in total, S/(n-1) to each peer concurrently;
//                    time = max_e bytes_e / (bw_e * eta) + max route latency (one step)
// Groups that share no edge give the max over groups; groups that share one (cross-node TP groups
// through one uplink) add up on it. Time is affine in S for a given (collective, n), so the
// per-byte coefficient and the latency term are cached and pricing is O(1) after the first call.
class GraphCollectiveModel final : public CollectiveModel {
 public:
  // `graph` non-null; `devices`: the instance's placement, distinct device indices of `graph` in
  // rank order; `efficiency` in (0, 1] (Hardware::efficiency.communication). Throws ConfigError.
  GraphCollectiveModel(std::shared_ptr<const ClusterGraph> graph, std::vector<int> devices,
                       double efficiency);

  // Throws ConfigError when op.group does not divide the placement. 0 for group <= 1 or S <= 0.
  [[nodiscard]] Seconds time(const Op& op) const override;

  // time = seconds_per_byte * S + latency for collective `c` over groups of `group` devices.
  struct Affine {
    double seconds_per_byte = 0.0;
    Seconds latency{0};
  };
  [[nodiscard]] Affine affine(Collective c, int group) const;

  [[nodiscard]] const std::vector<int>& devices() const { return devices_; }

 private:
  [[nodiscard]] Affine compute(Collective c, int group) const;

  std::shared_ptr<const ClusterGraph> graph_;
  std::vector<int> devices_;
  double eta_;
  mutable std::mutex mutex_;
  mutable std::map<std::pair<Collective, int>, Affine> cache_;
};

}  // namespace moesim
