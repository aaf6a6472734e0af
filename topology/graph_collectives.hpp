// Collective-communication time over the routes of a ClusterGraph (closed form, cached by shape).
// Generalises models' LinkCollectiveModel, which it reproduces on one switch node.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <utility>
#include <vector>

#include "models/collective_model.hpp"
#include "topology/cluster_graph.hpp"

namespace moesim {

// An op with group n runs in the consecutive groups of n devices of the placement (TP groups:
// devices [0, n), [n, 2n), ...), all groups at once. Each algorithm is a set of concurrent
// transfers; bytes_e is the sum, over every transfer of every group whose route crosses directed
// edge e, of that transfer's bytes. With S = op.message, eta = eta(c, S) and o = overhead(c) of
// the communication-efficiency plug-in (models/comm_efficiency.hpp):
//   ring all-reduce: transfer g_i -> g_(i+1 mod n) of 2(n-1)/n * S bytes per device;
//                    time = o + max_e bytes_e / (bw_e * eta) + 2(n-1) * max route latency
//   all-gather, reduce-scatter: (n-1)/n * S per ring transfer; (n-1) * max route latency
//   all-to-all:      S = bytes one device sends in total, S/(n-1) to each peer concurrently;
//                    time = o + max_e bytes_e / (bw_e * eta) + max route latency (one step);
//                    with Op::call.scale_out = S_out given (node-limited dispatch): S - S_out
//                    spread over the peers of the device's node, S_out over the peers of other
//                    nodes (node = the graph's VertexInfo::node), as two concurrent patterns:
//                    o + max(max_e intra_e (S - S_out), max_e inter_e S_out) / eta + latency
// Op::call's eta and overhead, when given, replace the plug-in's.
// The plug-in plans each call (CommunicationEfficiency::plan, with crosses_domain = some route of
// the group uses a link that is neither "scale_up" nor "on_package"); besides ring and direct:
//   tree all-reduce: ring loads, 2 ceil(log2 n) * max route latency
//   one-shot all-reduce: every device reads S from each peer (1 step)
//   two-shot all-reduce: S/n to and from each peer, twice (2 steps)
// Groups that share no edge give the max over groups; groups that share one (cross-node TP groups
// through one uplink) add up on it. bytes_e is linear in S for a given (collective, n) and eta is
// one number per call, so the links attaining max_e load_e / bw_e (load = bytes per byte of S)
// and the latency term are cached; a call evaluates eta(S) and the max over those few links.
// With a size-dependent eta the time is no longer affine in S; with the constant plug-in it is.
class GraphCollectiveModel final : public CollectiveModel {
 public:
  // `graph` non-null; `devices`: the instance's placement, distinct device indices of `graph` in
  // rank order; `efficiency` in (0, 1] (Hardware::efficiency.communication): the constant
  // plug-in. Throws ConfigError.
  GraphCollectiveModel(std::shared_ptr<const ClusterGraph> graph, std::vector<int> devices,
                       double efficiency);
  // Any communication-efficiency plug-in (non-null).
  GraphCollectiveModel(std::shared_ptr<const ClusterGraph> graph, std::vector<int> devices,
                       std::shared_ptr<const CommunicationEfficiency> efficiency);

  // Throws ConfigError when op.group does not divide the placement. 0 for group <= 1 or S <= 0.
  [[nodiscard]] Seconds time(const Op& op) const override;

  // The cached shape of collective `c` over groups of `group` devices: the directed links with
  // the largest load / bandwidth (load = bytes crossing per byte of S; ties within 1e-9
  // relative), and the latency term. time = overhead + S * max over `critical` of
  // load / (bw * eta(S)) + latency; seconds_per_byte = max load / bw (at eta = 1).
  struct Shape {
    struct Link {
      double load = 0.0;       // bytes per byte of S
      double bandwidth = 0.0;  // bytes/s
    };
    std::vector<Link> critical;
    double seconds_per_byte = 0.0;
    Seconds latency{0};
    double steps = 0.0;           // latency = steps x max route latency
    bool crosses_domain = false;  // some route leaves the scale-up links
  };
  // Ring (direct for all-to-all) shape.
  [[nodiscard]] Shape shape(Collective c, int group) const;

  [[nodiscard]] const std::vector<int>& devices() const { return devices_; }

 private:
  // Which pairs of an all-to-all exchange: all, those inside one node, those across nodes.
  enum class Pairs { kAll, kIntraNode, kInterNode };
  [[nodiscard]] Shape compute(Collective c, int group, CollectiveAlgorithm a, Pairs pairs) const;
  // Cached; checks group.
  [[nodiscard]] const Shape& shape_ref(Collective c, int group, CollectiveAlgorithm a,
                                       Pairs pairs = Pairs::kAll) const;
  [[nodiscard]] static double per_byte(const Shape& s, double eta);

  std::shared_ptr<const ClusterGraph> graph_;
  std::vector<int> devices_;
  std::shared_ptr<const CommunicationEfficiency> eff_;
  mutable std::mutex mutex_;
  mutable std::map<std::tuple<Collective, int, CollectiveAlgorithm, Pairs>, Shape> cache_;
};

}  // namespace moesim
