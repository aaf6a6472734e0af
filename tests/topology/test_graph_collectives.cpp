// GraphCollectiveModel: analytic closed forms on a star, equality with models'
// LinkCollectiveModel where both apply, oversubscription and rails on a fat-tree, caching,
// errors, and monotonicity in bandwidth.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "models/collective_model.hpp"
#include "models/errors.hpp"
#include "topology/graph_collectives.hpp"
#include "topology/topology_builder.hpp"

using namespace moesim;

namespace {
constexpr double kGB = 1e9;
constexpr double kUs = 1e-6;
constexpr double kEta = 0.75;
constexpr double kMiB = 1048576;

Hardware hardware(double up_latency = 2 * kUs, double out_latency = 5 * kUs) {
  Hardware hw;
  hw.scale_up = LinkSpec{BytesPerSec(450 * kGB), Seconds(up_latency), 8};
  hw.scale_out = LinkSpec{BytesPerSec(50 * kGB), Seconds(out_latency), 1};
  hw.efficiency.communication = kEta;
  return hw;
}

std::vector<int> first(int n) {
  std::vector<int> v(std::size_t(n), 0);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

std::shared_ptr<const ClusterGraph> cluster(const std::string& builder, ParamSet params, int nodes,
                                            int per_node, const Hardware& hw) {
  return std::make_shared<const ClusterGraph>(
      build_topology(builder, std::move(params), ClusterShape::of(hw, nodes, per_node)));
}

Op comm(Collective c, double bytes, int group) { return collective_op(c, Bytes(bytes), group); }

ParamSet fat_tree(double oversubscription, int nodes_per_leaf, bool rail) {
  ParamSet p;
  p.set("oversubscription", oversubscription);
  p.set("nodes_per_leaf", std::int64_t(nodes_per_leaf));
  p.set("rail_optimized", rail);
  p.set("uplink_latency", 0.0);
  return p;
}
}  // namespace

TEST_CASE("graph collectives: ring all-reduce on one switch node is the closed form") {
  const Hardware hw = hardware();
  const GraphCollectiveModel m(cluster("switch", {}, 1, 8, hw), first(8), kEta);
  // n = 8, S = 1 MiB: 2*7/8 * 1048576 B / (450 GB/s * 0.75) = 5.43706 us, + 2*7 * 2 us = 28 us.
  const double t = m.time(comm(Collective::kAllReduce, kMiB, 8)).value();
  CHECK(t == doctest::Approx(33.43706074e-6).epsilon(1e-9));
  CHECK(t ==
        doctest::Approx(2.0 * 7 / 8 * kMiB / (450 * kGB * kEta) + 14 * 2 * kUs).epsilon(1e-12));
  // Two TP groups of 4 share no link: each is the n = 4 closed form.
  CHECK(m.time(comm(Collective::kAllReduce, kMiB, 4)).value() ==
        doctest::Approx(2.0 * 3 / 4 * kMiB / (450 * kGB * kEta) + 6 * 2 * kUs).epsilon(1e-12));
  // All-gather: (n-1)/n * S / (bw eta) + (n-1) * latency.
  CHECK(m.time(comm(Collective::kAllGather, kMiB, 8)).value() ==
        doctest::Approx(7.0 / 8 * kMiB / (450 * kGB * kEta) + 7 * 2 * kUs).epsilon(1e-12));
}

TEST_CASE("graph collectives: all-to-all on a star is per-device bytes / bandwidth + latency") {
  const Hardware hw = hardware();
  // Each device sends S in total through its one link to the hub and receives S from it.
  for (const char* star : {"switch", "supernode"}) {
    CAPTURE(star);
    const GraphCollectiveModel m(cluster(star, {}, 1, 8, hw), first(8), kEta);
    CHECK(m.time(comm(Collective::kAllToAll, kMiB, 8)).value() ==
          doctest::Approx(kMiB / (450 * kGB * kEta) + 2 * kUs).epsilon(1e-12));
  }
  // 16 devices on a supernode of two nodes: still a star at scale-up figures.
  const GraphCollectiveModel sn(cluster("supernode", {}, 2, 8, hw), first(16), kEta);
  CHECK(sn.time(comm(Collective::kAllToAll, 4 * kMiB, 16)).value() ==
        doctest::Approx(4 * kMiB / (450 * kGB * kEta) + 2 * kUs).epsilon(1e-12));
}

TEST_CASE("graph collectives: equal LinkCollectiveModel on one and on two switch nodes") {
  const Hardware hw = hardware();
  const LinkCollectiveModel link(hw, 8);
  const GraphCollectiveModel one(cluster("switch", {}, 1, 8, hw), first(8), kEta);
  const GraphCollectiveModel two(cluster("switch", {}, 2, 8, hw), first(16), kEta);
  for (Collective c : {Collective::kAllReduce, Collective::kAllGather, Collective::kAllToAll}) {
    for (double bytes : {1.0, 4096.0, kMiB, 256 * kMiB}) {
      for (int n : {2, 4, 8}) {
        INFO(collective_name(c) << " S=" << bytes << " n=" << n);
        CHECK(one.time(comm(c, bytes, n)).value() ==
              doctest::Approx(link.time(comm(c, bytes, n)).value()).epsilon(1e-12));
      }
      // Spanning both nodes: the NIC path sets the time and scale-out latency the steps.
      INFO(collective_name(c) << " S=" << bytes << " n=16");
      CHECK(two.time(comm(c, bytes, 16)).value() ==
            doctest::Approx(link.time(comm(c, bytes, 16)).value()).epsilon(1e-12));
    }
  }
}

TEST_CASE("graph collectives: full mesh rings run on one link of scale_up / (n - 1)") {
  const Hardware hw = hardware();
  const GraphCollectiveModel m(cluster("full_mesh", {}, 1, 8, hw), first(8), kEta);
  // Each ring transfer has its own direct link of 450/7 GB/s.
  CHECK(m.time(comm(Collective::kAllReduce, kMiB, 8)).value() ==
        doctest::Approx(2.0 * 7 / 8 * kMiB / (450 * kGB / 7 * kEta) + 14 * 2 * kUs).epsilon(1e-12));
  // All-to-all: S/7 on each of 7 links of 450/7 GB/s = S / 450 GB/s, as on a switch.
  CHECK(m.time(comm(Collective::kAllToAll, kMiB, 8)).value() ==
        doctest::Approx(kMiB / (450 * kGB * kEta) + 2 * kUs).epsilon(1e-12));
}

TEST_CASE("fat_tree: oversubscription k slows inter-leaf all-to-all by k, intra-leaf not") {
  const Hardware hw = hardware(0.0, 0.0);  // bandwidth terms only
  // 2 nodes x 4 devices, one node per leaf. Each device sends S/7 to each of 7 peers: 3 over
  // scale-up (3S/7 at 450 GB/s), 4 over its NIC (4S/7 at 50 GB/s); leaf 0's uplink carries
  // 4 x 4S/7 = 16S/7 at 4 x 50 GB/s / k: equal to the NIC term at k = 1, k times it above.
  const double nic = 4.0 / 7 * kMiB / (50 * kGB * kEta);
  double base = 0;
  for (double k : {1.0, 2.0, 4.0}) {
    CAPTURE(k);
    const GraphCollectiveModel inter(cluster("fat_tree", fat_tree(k, 1, false), 2, 4, hw), first(8),
                                     kEta);
    const double t = inter.time(comm(Collective::kAllToAll, kMiB, 8)).value();
    CHECK(t == doctest::Approx(k * nic).epsilon(1e-12));
    if (k == 1.0) base = t;
    CHECK(t / base == doctest::Approx(k).epsilon(1e-12));
    // Both nodes on one leaf: no uplink on the path, the NIC term whatever k is.
    const GraphCollectiveModel intra(cluster("fat_tree", fat_tree(k, 2, false), 2, 4, hw), first(8),
                                     kEta);
    CHECK(intra.time(comm(Collective::kAllToAll, kMiB, 8)).value() ==
          doctest::Approx(nic).epsilon(1e-12));
  }
}

TEST_CASE("fat_tree: rail-optimised leaves keep same-rail TP pairs off the spine") {
  const Hardware hw = hardware(0.0, 0.0);
  // TP pairs (n0.dk, n1.dk): each ring transfer is one NIC hop each way, 2*1/2*S = S bytes.
  const std::vector<int> pairs{0, 4, 1, 5, 2, 6, 3, 7};
  const double one_nic = kMiB / (50 * kGB * kEta);
  const Op op = comm(Collective::kAllReduce, kMiB, 2);
  // Rail: NIC k of both nodes on leaf k, so no pair crosses an uplink, even at k = 4.
  const GraphCollectiveModel rail(cluster("fat_tree", fat_tree(4, 2, true), 2, 4, hw), pairs, kEta);
  CHECK(rail.time(op).value() == doctest::Approx(one_nic).epsilon(1e-12));
  // Plain, one node per leaf: all four pairs share leaf 0's uplink (4 x 50 / 4 = 50 GB/s), which
  // carries 4 S: four times slower. Non-blocking (k = 1) it matches the rail layout again.
  const GraphCollectiveModel plain(cluster("fat_tree", fat_tree(4, 1, false), 2, 4, hw), pairs,
                                   kEta);
  CHECK(plain.time(op).value() == doctest::Approx(4 * one_nic).epsilon(1e-12));
  const GraphCollectiveModel plain1(cluster("fat_tree", fat_tree(1, 1, false), 2, 4, hw), pairs,
                                    kEta);
  CHECK(plain1.time(op).value() == doctest::Approx(one_nic).epsilon(1e-12));
}

TEST_CASE("graph collectives: time is affine in the message size and cached by shape") {
  const Hardware hw = hardware();
  const GraphCollectiveModel m(cluster("fat_tree", fat_tree(2, 1, false), 4, 8, hw), first(32),
                               kEta);
  auto a = m.shape(Collective::kAllToAll, 32);
  CHECK(!a.critical.empty());
  a.seconds_per_byte /= kEta;  // the shape is at eta = 1
  CHECK(a.seconds_per_byte > 0);
  // Cross-leaf routes: NIC, leaf, spine, leaf, NIC: 5 us scale-out, uplink latency 0.
  CHECK(a.latency.value() == doctest::Approx(5 * kUs));
  for (double s : {1.0, 1e3, 1e6, 1e9}) {
    CHECK(m.time(comm(Collective::kAllToAll, s, 32)).value() ==
          doctest::Approx(a.seconds_per_byte * s + a.latency.value()).epsilon(1e-12));
  }
  CHECK(m.time(comm(Collective::kAllToAll, 0, 32)).value() == 0.0);
  CHECK(m.time(comm(Collective::kAllReduce, kMiB, 1)).value() == 0.0);
  CHECK(m.time(comm(Collective::kNone, kMiB, 8)).value() == 0.0);
}

TEST_CASE("graph collectives: bad placements and groups throw ConfigError") {
  const Hardware hw = hardware();
  const auto g = cluster("switch", {}, 1, 8, hw);
  CHECK_THROWS_WITH_AS(GraphCollectiveModel(g, {0, 1, 1}, kEta), "placement lists device 1 twice",
                       ConfigError);
  CHECK_THROWS_WITH_AS(GraphCollectiveModel(g, {0, 8}, kEta),
                       "placement device 8 is not in the cluster (8 devices)", ConfigError);
  CHECK_THROWS_WITH_AS(GraphCollectiveModel(g, {}, kEta), "graph collective model: empty placement",
                       ConfigError);
  CHECK_THROWS_AS(GraphCollectiveModel(g, {0, 1}, 0.0), ConfigError);
  CHECK_THROWS_AS(GraphCollectiveModel(nullptr, {0, 1}, kEta), ConfigError);
  const GraphCollectiveModel m(g, first(6), kEta);
  CHECK_THROWS_WITH_AS((void)m.time(comm(Collective::kAllReduce, kMiB, 4)),
                       "all_reduce over groups of 4 devices does not divide the instance's 6 "
                       "devices",
                       ConfigError);
}

TEST_CASE("graph collectives: doubling every bandwidth never makes a collective slower") {
  // Property over builders, shapes, groups and sizes: more bandwidth is never slower.
  for (const std::string builder : {"switch", "full_mesh", "fat_tree", "supernode"}) {
    for (int nodes : {1, 2, 3}) {
      Hardware slow = hardware();
      Hardware fast = slow;
      fast.scale_up.bandwidth = slow.scale_up.bandwidth * 2.0;
      fast.scale_out.bandwidth = slow.scale_out.bandwidth * 2.0;
      const int devices = nodes * 4;
      const GraphCollectiveModel a(cluster(builder, {}, nodes, 4, slow), first(devices), kEta);
      const GraphCollectiveModel b(cluster(builder, {}, nodes, 4, fast), first(devices), kEta);
      for (Collective c : {Collective::kAllReduce, Collective::kAllGather, Collective::kAllToAll}) {
        for (int n = 2; n <= devices; n *= 2) {
          if (devices % n != 0) continue;
          for (double s : {1.0, 1e4, 1e8}) {
            INFO(builder << " nodes=" << nodes << " " << collective_name(c) << " n=" << n
                         << " S=" << s);
            CHECK(b.time(comm(c, s, n)).value() <= a.time(comm(c, s, n)).value());
          }
        }
      }
    }
  }
}

// A size-dependent efficiency: the cached shape stays valid, eta(S) is applied per call.
TEST_CASE("graph collectives: a curve efficiency equals the link model and adds its overhead once") {
  const Hardware hw = hardware();
  // eta(1 MiB) = 0.4, eta(4 MiB) = 0.8, linear in ln S: eta(2 MiB) = 0.4 + 0.4 x ln2/ln4 = 0.6.
  // all_reduce overhead 10 us, the other kinds 0.
  auto eff = std::make_shared<CurveEfficiency>(
      EfficiencyCurve{{kMiB, 4 * kMiB}, {0.4, 0.8}}, std::map<Collective, EfficiencyCurve>{},
      std::map<Collective, Seconds>{{Collective::kAllReduce, Seconds(10 * kUs)}});
  const GraphCollectiveModel g(cluster("switch", {}, 1, 8, hw), first(8), eff);
  const LinkCollectiveModel link(hw, 8, eff);
  // ring all-reduce, n = 8, S = 2 MiB: 10 us + 2 x 7/8 x 2 MiB / (450 GB/s x 0.6) + 14 x 2 us.
  const double want = 10 * kUs + 2.0 * 7 / 8 * 2 * kMiB / (450 * kGB * 0.6) + 14 * 2 * kUs;
  CHECK(g.time(comm(Collective::kAllReduce, 2 * kMiB, 8)).value() ==
        doctest::Approx(want).epsilon(1e-12));
  CHECK(link.time(comm(Collective::kAllReduce, 2 * kMiB, 8)).value() ==
        doctest::Approx(want).epsilon(1e-12));
  // The same shape priced at another size uses that size's eta: 4 MiB -> 0.8, no stale cache.
  const double want4 = 10 * kUs + 2.0 * 7 / 8 * 4 * kMiB / (450 * kGB * 0.8) + 14 * 2 * kUs;
  CHECK(g.time(comm(Collective::kAllReduce, 4 * kMiB, 8)).value() ==
        doctest::Approx(want4).epsilon(1e-12));
  // all-to-all, no overhead: 2 MiB / (450 GB/s x 0.6) + 2 us, on both models.
  const double a2a = 2 * kMiB / (450 * kGB * 0.6) + 2 * kUs;
  CHECK(g.time(comm(Collective::kAllToAll, 2 * kMiB, 8)).value() ==
        doctest::Approx(a2a).epsilon(1e-12));
  CHECK(link.time(comm(Collective::kAllToAll, 2 * kMiB, 8)).value() ==
        doctest::Approx(a2a).epsilon(1e-12));
  // No call, no overhead.
  CHECK(g.time(comm(Collective::kAllReduce, 2 * kMiB, 1)).value() == 0.0);
}

TEST_CASE("graph collectives: the constant plug-in is bit-identical to the eta constructor") {
  const Hardware hw = hardware();
  const auto graph = cluster("fat_tree", fat_tree(2, 1, false), 4, 8, hw);
  const GraphCollectiveModel a(graph, first(32), kEta);
  const GraphCollectiveModel b(graph, first(32), std::make_shared<ConstantEfficiency>(kEta));
  for (Collective c : {Collective::kAllReduce, Collective::kAllGather, Collective::kAllToAll,
                       Collective::kReduceScatter}) {
    for (int n : {2, 4, 8, 16, 32}) {
      for (double s : {1.0, 4096.0, 3e6, 7.7e8}) {
        // Former closed form: max_e load_e / (bw_e x eta) x S + latency, recomputed here from
        // the shape's critical links.
        const auto sh = a.shape(c, n);
        double per_byte = 0;
        for (const auto& l : sh.critical) per_byte = std::max(per_byte, l.load / (l.bandwidth * kEta));
        const double former = (Seconds(per_byte * s) + sh.latency).value();
        CHECK(a.time(comm(c, s, n)).value() == former);
        CHECK(b.time(comm(c, s, n)).value() == former);
      }
    }
  }
}

TEST_CASE("graph collectives: a split all-to-all (node-limited dispatch) equals the link model") {
  // Two switch nodes of 8: S - S_out spread over the 7 same-node peers on the 450 GB/s scale-up
  // links, S_out over the 8 remote devices through the 50 GB/s NIC; the link model prices
  // o + max(S_up / 450 GB/s, S_out / 50 GB/s) / eta + 5 us. Both shares bind in turn.
  const Hardware hw = hardware();
  const LinkCollectiveModel link(hw, 8);
  const GraphCollectiveModel two(cluster("switch", {}, 2, 8, hw), first(16), kEta);
  for (double out_share : {0.0, 0.05, 0.5, 1.0}) {
    Op op = comm(Collective::kAllToAll, 8 * kMiB, 16);
    op.call.scale_out = Bytes(out_share * 8 * kMiB);
    op.call.efficiency = 0.9;
    op.call.overhead = Seconds(20 * kUs);
    const double up = (1 - out_share) * 8 * kMiB / (450 * kGB);
    const double out = out_share * 8 * kMiB / (50 * kGB);
    const double expect = 20 * kUs + std::max(up, out) / 0.9 + 5 * kUs;
    INFO("S_out share " << out_share);
    CHECK(link.time(op).value() == doctest::Approx(expect).epsilon(1e-12));
    CHECK(two.time(op).value() == doctest::Approx(expect).epsilon(1e-9));
  }
}
