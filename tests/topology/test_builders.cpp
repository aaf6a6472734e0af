// Topology builders: the registry's full name list, parameter validation, the shape of each
// built graph, bisection bandwidths with analytic answers, route determinism and symmetry, and
// the 384-device supernode at speed.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "models/errors.hpp"
#include "topology/topology_builder.hpp"

using namespace moesim;

namespace {
constexpr double kGB = 1e9;
constexpr double kUs = 1e-6;

ClusterShape shape(int nodes, int per_node, int dies = 1) {
  ClusterShape s;
  s.nodes = nodes;
  s.devices_per_node = per_node;
  s.scale_up = LinkSpec{BytesPerSec(450 * kGB), Seconds(2 * kUs), per_node};
  s.scale_out = LinkSpec{BytesPerSec(50 * kGB), Seconds(5 * kUs), 1};
  s.dies_per_package = dies;
  return s;
}

ParamSet fat_tree(double oversubscription, int nodes_per_leaf, bool rail) {
  ParamSet p;
  p.set("oversubscription", oversubscription);
  p.set("nodes_per_leaf", std::int64_t(nodes_per_leaf));
  p.set("rail_optimized", rail);
  return p;
}

int count_kind(const ClusterGraph& g, const std::string& kind) {
  int n = 0;
  for (int i = 0; i < g.link_count(); i += 2) n += g.link(i).kind == kind ? 1 : 0;
  return n;
}
}  // namespace

TEST_CASE("topology builders: every built-in is registered, sorted by name") {
  CHECK(topology_builders().names() ==
        std::vector<std::string>{"fat_tree", "full_mesh", "supernode", "switch"});
  CHECK_THROWS_WITH_AS((void)topology_builders().create("torus", {}),
                       "unknown topology 'torus'; valid: fat_tree, full_mesh, supernode, switch",
                       ConfigError);
}

TEST_CASE("topology builders: parameters are validated through their declarations") {
  CHECK_THROWS_WITH_AS((void)topology_builders().create("fat_tree", fat_tree(0.5, 4, false)),
                       "topology 'fat_tree': oversubscription: value out of range [1, 1e+06];",
                       ConfigError);
  ParamSet bad;
  bad.set("oversubscribe", 2.0);
  CHECK_THROWS_AS((void)topology_builders().create("fat_tree", bad), ConfigError);
  ParamSet none;
  CHECK(topology_builders().create("fat_tree", none) != nullptr);
  CHECK(topology_builders().at("fat_tree").params.size() == 4);
}

TEST_CASE("topology builders: a bad cluster shape throws ConfigError naming the field") {
  CHECK_THROWS_WITH_AS((void)build_topology("switch", {}, shape(0, 8)),
                       "cluster shape: nodes must be >= 1 (got 0)", ConfigError);
  CHECK_THROWS_WITH_AS((void)build_topology("switch", {}, shape(1, 0)),
                       "cluster shape: devices_per_node must be >= 1 (got 0)", ConfigError);
  CHECK_THROWS_WITH_AS((void)build_topology("supernode", {}, shape(2, 3, 2)),
                       "supernode: devices_per_node (3) is not a multiple of dies_per_package (2)",
                       ConfigError);
  ClusterShape no_nic = shape(2, 4);
  no_nic.scale_out.bandwidth = BytesPerSec(0);
  CHECK_THROWS_WITH_AS((void)build_topology("switch", {}, no_nic),
                       "topology link 'n0.d0->n0.nic0' (nic): bandwidth must be positive and "
                       "finite",
                       ConfigError);
}

TEST_CASE("switch: one scale-up switch per node, one NIC per device, one fabric switch") {
  const ClusterGraph one = build_topology("switch", {}, shape(1, 8));
  CHECK(one.device_count() == 8);
  CHECK(one.vertex_count() == 9);  // no NICs on a single node: nothing to reach over them
  CHECK(count_kind(one, "scale_up") == 8);
  // Half the devices send through the switch to the other half: 4 x 450 GB/s.
  CHECK(one.bisection_bandwidth() == doctest::Approx(4 * 450 * kGB));
  const ClusterGraph two = build_topology("switch", {}, shape(2, 8));
  CHECK(two.vertex_count() == 16 + 2 + 16 + 1);
  CHECK(count_kind(two, "nic") == 16);
  CHECK(count_kind(two, "scale_out") == 16);
  // Node 0 | node 1: only the 8 NICs of a node cross: 8 x 50 GB/s.
  CHECK(two.bisection_bandwidth() == doctest::Approx(8 * 50 * kGB));
  // Intra-node: device -> switch -> device = one scale-up latency; inter-node: one scale-out.
  CHECK(two.route(0, 7).latency.value() == doctest::Approx(2 * kUs));
  CHECK(two.route(0, 7).bottleneck.value() == doctest::Approx(450 * kGB));
  CHECK(two.route(0, 9).latency.value() == doctest::Approx(5 * kUs));
  CHECK(two.route(0, 9).hops.size() == 4);
  CHECK(two.route(0, 9).bottleneck.value() == doctest::Approx(50 * kGB));
}

TEST_CASE("full_mesh: a direct link per device pair at scale_up / (devices_per_node - 1)") {
  const ClusterGraph g = build_topology("full_mesh", {}, shape(1, 8));
  CHECK(count_kind(g, "scale_up") == 28);  // 8 * 7 / 2
  const Route& r = g.route(2, 5);
  REQUIRE(r.hops.size() == 1);
  CHECK(r.bottleneck.value() == doctest::Approx(450 * kGB / 7));
  CHECK(r.latency.value() == doctest::Approx(2 * kUs));
  // 4 x 4 links cross the halves, each 450/7 GB/s.
  CHECK(g.bisection_bandwidth() == doctest::Approx(16 * 450 * kGB / 7).epsilon(1e-9));
}

TEST_CASE("fat_tree: bisection = (devices/2) x scale_out, divided by the oversubscription") {
  // 8 nodes x 4 devices, 2 nodes per leaf: leaves never straddle the halves (nodes 0-3 | 4-7),
  // so the cut is the first half's NICs (16 x 50 GB/s) or its leaves' uplinks (same / k).
  for (bool rail : {false, true}) {
    CAPTURE(rail);
    const double full = 16 * 50 * kGB;
    CHECK(build_topology("fat_tree", fat_tree(1, 2, rail), shape(8, 4)).bisection_bandwidth() ==
          doctest::Approx(full).epsilon(1e-9));
    CHECK(build_topology("fat_tree", fat_tree(4, 2, rail), shape(8, 4)).bisection_bandwidth() ==
          doctest::Approx(full / 4).epsilon(1e-9));
    CHECK(build_topology("fat_tree", fat_tree(2.5, 2, rail), shape(8, 4)).bisection_bandwidth() ==
          doctest::Approx(full / 2.5).epsilon(1e-9));
  }
}

TEST_CASE("fat_tree: leaves, uplinks and rails") {
  // Plain, 2 nodes per leaf over 8 nodes: 4 leaves of 8 ports, uplink 8 x 50 / 2 GB/s each.
  const ClusterGraph plain = build_topology("fat_tree", fat_tree(2, 2, false), shape(8, 4));
  CHECK(count_kind(plain, "leaf_uplink") == 4);
  CHECK(plain.link(plain.link_count() - 2).bandwidth.value() == doctest::Approx(200 * kGB));
  // Rail-optimised: 4 groups x 4 rails = 16 leaves of 2 ports.
  const ClusterGraph rail = build_topology("fat_tree", fat_tree(2, 2, true), shape(8, 4));
  CHECK(count_kind(rail, "leaf_uplink") == 16);
  // Same rail, same group (n0.d1 -> n1.d1): NIC, leaf, NIC; no spine.
  const Route& same_rail = rail.route(1, 5);
  CHECK(same_rail.hops.size() == 4);
  CHECK(same_rail.latency.value() == doctest::Approx(5 * kUs));
  // Plain, same leaf group: also no spine. Other group: two uplink hops of 0.5 us more.
  CHECK(plain.route(1, 5).hops.size() == 4);
  const Route& far = plain.route(0, 31);
  CHECK(far.hops.size() == 6);
  CHECK(far.latency.value() == doctest::Approx(5 * kUs + 2 * 0.5 * kUs));
  // One leaf for everything: no spine at all.
  CHECK(count_kind(build_topology("fat_tree", fat_tree(4, 4, false), shape(4, 4)), "leaf_uplink") ==
        0);
}

TEST_CASE("routes are deterministic and symmetric in latency on every builder") {
  for (const std::string name : {"switch", "full_mesh", "fat_tree", "supernode"}) {
    CAPTURE(name);
    const ClusterGraph a = build_topology(name, {}, shape(6, 4, 2));
    const ClusterGraph b = build_topology(name, {}, shape(6, 4, 2));
    for (int s = 0; s < a.device_count(); ++s) {
      for (int d = 0; d < a.device_count(); ++d) {
        CHECK(a.route(s, d).hops == b.route(s, d).hops);
        CHECK(a.route(s, d).latency.value() == doctest::Approx(a.route(d, s).latency.value()));
        CHECK(a.route(s, d).hops.size() == a.route(d, s).hops.size());
      }
    }
  }
}

TEST_CASE("supernode: one switch for all devices, package mates share an on-package link") {
  const ClusterGraph g = build_topology("supernode", {}, shape(2, 4, 2));
  CHECK(g.vertex_count() == 9);
  CHECK(count_kind(g, "on_package") == 4);
  const Route& mate = g.route(4, 5);
  REQUIRE(mate.hops.size() == 1);
  CHECK(g.link(mate.hops[0]).kind == "on_package");
  CHECK(mate.bottleneck.value() == doctest::Approx(900 * kGB));
  CHECK(mate.latency.value() == doctest::Approx(1 * kUs));
  // Across nodes at scale-up figures: two hops, one scale-up latency.
  CHECK(g.route(0, 7).latency.value() == doctest::Approx(2 * kUs));
  CHECK(g.route(0, 7).bottleneck.value() == doctest::Approx(450 * kGB));
  ParamSet p;
  p.set("on_package_factor", 3.0);
  CHECK(build_topology("supernode", p, shape(1, 2, 2)).route(0, 1).bottleneck.value() ==
        doctest::Approx(1350 * kGB));
}

// The wall time is reported, not checked (tests do not gate on wall time; a sanitizer build on a
// loaded 2-core machine took 1.5 s).
TEST_CASE("supernode: 384 devices build, route every pair and cut") {
  const auto start = std::chrono::steady_clock::now();
  const ClusterGraph g = build_topology("supernode", {}, shape(48, 8, 2));
  std::size_t hops = 0;
  for (int s = 0; s < g.device_count(); ++s) {
    for (int d = 0; d < g.device_count(); ++d) hops += g.route(s, d).hops.size();
  }
  const double bisection = g.bisection_bandwidth();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(g.device_count() == 384);
  // 192 package-mate pairs (both directions) take 1 hop, every other ordered pair 2.
  CHECK(hops == std::size_t(384 * 383 * 2 - 384));
  CHECK(bisection == doctest::Approx(192 * 450 * kGB));
  MESSAGE("supernode 384: build + all routes + bisection in " << seconds << " s");
}

TEST_CASE("the Graphviz text of a built cluster contains every device") {
  const ClusterGraph g = build_topology("fat_tree", fat_tree(2, 1, true), shape(3, 4));
  const std::string dot = g.to_dot();
  for (int d = 0; d < g.device_count(); ++d) {
    CHECK(dot.find("\"" + g.vertex(g.vertex_of_device(d)).name + "\" [shape=box]") !=
          std::string::npos);
  }
  CHECK(dot.find("\"spine\"") != std::string::npos);
}
