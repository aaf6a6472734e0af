// TopologySpec: a graph written out as data rebuilds every builder's graph exactly (routes,
// bisection, collective times), analytic bisection and all-to-all on a hand-made two-rack fabric,
// vertex and link order, and every check with its entry, field and exact message.
#include <doctest/doctest.h>

#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "models/errors.hpp"
#include "topology/graph_collectives.hpp"
#include "topology/topology_builder.hpp"
#include "topology/topology_spec.hpp"

using namespace moesim;

namespace {
constexpr double kGB = 1e9;
constexpr double kUs = 1e-6;
using Item = TopologyProblem::Item;

ClusterShape shape(int nodes, int per_node) {
  ClusterShape s;
  s.nodes = nodes;
  s.devices_per_node = per_node;
  s.scale_up = LinkSpec{BytesPerSec(450 * kGB), Seconds(2 * kUs), per_node};
  s.scale_out = LinkSpec{BytesPerSec(50 * kGB), Seconds(5 * kUs), 1};
  return s;
}

// What a user would write to get `g`: every vertex in index order, every duplex link once.
TopologySpec spec_of(const ClusterGraph& g) {
  TopologySpec s;
  for (int v = 0; v < g.vertex_count(); ++v) {
    const VertexInfo& i = g.vertex(v);
    s.vertices.push_back({i.name, i.kind, i.node});
  }
  for (int e = 0; e < g.link_count(); e += 2) {
    const LinkInfo& l = g.link(e);
    s.links.push_back({g.vertex(g.link_source(e)).name, g.vertex(g.link_target(e)).name,
                       l.bandwidth, l.latency, l.kind});
  }
  return s;
}

// "n<n>." built by appending (`"n" + std::to_string(n)` trips GCC 12's false -Wrestrict).
std::string node(int n) {
  std::string s = "n";
  s += std::to_string(n);
  s += '.';
  return s;
}

TopologySpec::Vertex dev(const std::string& name) { return {name, VertexKind::kDevice, -1}; }
TopologySpec::Vertex sw(const std::string& name, int node = -1) {
  return {name, VertexKind::kSwitch, node};
}
TopologySpec::Link link(const std::string& a, const std::string& b, double gbs, double us = 1) {
  return {a, b, BytesPerSec(gbs * kGB), Seconds(us * kUs), "x"};
}

// Two nodes of 4 devices, each device on its node's switch (450 GB/s, 1 us) and, through a NIC
// (50 GB/s, 0 us), on its rack switch (50 GB/s, 2.5 us); rack0 - rack1 one link of `inter` GB/s
// and 1 us (scenarios/cluster/two-racks.topology.yaml).
TopologySpec two_racks(double inter) {
  TopologySpec s;
  for (int n = 0; n < 2; ++n) {
    for (int d = 0; d < 4; ++d) s.vertices.push_back(dev(node(n) + "d" + std::to_string(d)));
  }
  for (int n = 0; n < 2; ++n) {
    const std::string p = node(n);
    s.vertices.push_back(sw(p + "sw", n));
    const std::string rack = n == 0 ? "rack0" : "rack1";
    s.vertices.push_back(sw(rack));
    for (int d = 0; d < 4; ++d) {
      const std::string k = std::to_string(d);
      s.vertices.push_back({p + "nic" + k, VertexKind::kNic, n});
      s.links.push_back(link(p + "d" + k, p + "sw", 450));
      s.links.push_back(link(p + "d" + k, p + "nic" + k, 50, 0));
      s.links.push_back(link(p + "nic" + k, rack, 50, 2.5));
    }
  }
  s.links.push_back(link("rack0", "rack1", inter));
  return s;
}

std::vector<int> first(int n) {
  std::vector<int> v(std::size_t(n), 0);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

Op comm(Collective c, double bytes, int group) { return collective_op(c, Bytes(bytes), group); }

std::string problems_text(const TopologySpec& s) {
  std::string out;
  for (const auto& p : check_topology_spec(s))
    out += topology_problem_path(p) + ": " + p.message + "\n";
  return out;
}
}  // namespace

TEST_CASE("topology spec: the switch builder's graph written out rebuilds it exactly") {
  const ClusterGraph built = build_topology("switch", {}, shape(2, 4));
  const TopologySpec spec = spec_of(built);
  REQUIRE(check_topology_spec(spec).empty());
  CHECK(spec.devices() == 8);
  CHECK(spec.nodes() == 2);
  CHECK(spec.devices_per_node() == 4);
  const auto file = std::make_shared<const ClusterGraph>(build_topology(spec));
  const auto ref = std::make_shared<const ClusterGraph>(built);
  REQUIRE(file->vertex_count() == ref->vertex_count());
  REQUIRE(file->link_count() == ref->link_count());
  for (int v = 0; v < ref->vertex_count(); ++v) {
    CHECK(file->vertex(v).name == ref->vertex(v).name);
    CHECK(file->vertex(v).node == ref->vertex(v).node);
    CHECK(file->vertex(v).device == ref->vertex(v).device);
  }
  for (int e = 0; e < ref->link_count(); ++e) CHECK(file->link(e).name == ref->link(e).name);
  for (int a = 0; a < 8; ++a) {
    for (int b = 0; b < 8; ++b) {
      CHECK(file->route(a, b).hops == ref->route(a, b).hops);
      CHECK(file->route(a, b).latency.value() == doctest::Approx(ref->route(a, b).latency.value()));
    }
  }
  CHECK(file->bisection_bandwidth() == doctest::Approx(ref->bisection_bandwidth()));
  const GraphCollectiveModel mf(file, first(8), 0.8), mr(ref, first(8), 0.8);
  for (const Collective c :
       {Collective::kAllReduce, Collective::kAllGather, Collective::kAllToAll}) {
    for (const int n : {2, 4, 8}) {
      CHECK(mf.time(comm(c, 1 << 20, n)).value() ==
            doctest::Approx(mr.time(comm(c, 1 << 20, n)).value()).epsilon(1e-12));
    }
  }
}

TEST_CASE("topology spec: every builder's graph written out gives the same routes and bisection") {
  for (const std::string name : {"full_mesh", "fat_tree", "supernode"}) {
    CAPTURE(name);
    const ClusterGraph ref = build_topology(name, {}, shape(4, 4));
    const ClusterGraph file = build_topology(spec_of(ref));
    CHECK(file.bisection_bandwidth() == doctest::Approx(ref.bisection_bandwidth()));
    for (int b = 0; b < 16; ++b) CHECK(file.route(0, b).hops == ref.route(0, b).hops);
  }
}

TEST_CASE("topology spec: analytic bisection and all-to-all of two racks over one slow link") {
  // Cut n0 | n1: the four NICs of a rack send 4 x 50 = 200 GB/s, the rack link takes 100.
  const auto slow = std::make_shared<const ClusterGraph>(build_topology(two_racks(100)));
  CHECK(slow->bisection_bandwidth() == doctest::Approx(100 * kGB));
  // A 400 GB/s rack link no longer binds: the NICs do.
  CHECK(build_topology(two_racks(400)).bisection_bandwidth() == doctest::Approx(200 * kGB));
  // n0.d0 -> n1.d0: device, NIC (0 us), rack0 (2.5), rack1 (1), NIC (2.5), device (0): 6 us.
  const Route& r = slow->route(0, 4);
  CHECK(r.hops.size() == 5);
  CHECK(r.latency.value() == doctest::Approx(6 * kUs));
  CHECK(r.bottleneck.value() == doctest::Approx(50 * kGB));
  CHECK(slow->route(0, 3).latency.value() == doctest::Approx(2 * kUs));  // over n0.sw
  // All-to-all over the 8 devices, S = 7 MB per device, S/7 = 1 MB to each peer. The rack link
  // carries the 4 x 4 cross pairs' MB: 16 MB / 100 GB/s = 160 us; a NIC carries 4 MB / 50 GB/s =
  // 80 us; a scale-up hop 3 MB / 450 GB/s. Time = 160 us + the longest route, 6 us.
  const GraphCollectiveModel m(slow, first(8), 1.0);
  CHECK(m.time(comm(Collective::kAllToAll, 7e6, 8)).value() ==
        doctest::Approx(166 * kUs).epsilon(1e-9));
}

TEST_CASE("topology spec: devices come first, the rest and the links in the order listed") {
  TopologySpec s;
  s.vertices = {sw("hub"), dev("n0.d0"), {"n0.nic0", VertexKind::kNic, 0}, dev("n0.d1")};
  s.links = {link("n0.d1", "hub", 10), link("hub", "n0.d0", 20), link("n0.d0", "n0.nic0", 5, 0)};
  const ClusterGraph g = build_topology(s);
  CHECK(g.vertex(0).name == "n0.d0");
  CHECK(g.vertex(1).name == "n0.d1");
  CHECK(g.vertex(2).name == "hub");
  CHECK(g.vertex(2).node == -1);
  CHECK(g.vertex(3).node == 0);
  CHECK(g.link(0).name == "n0.d1->hub");
  CHECK(g.link(3).name == "n0.d0->hub");
  CHECK(g.link(4).kind == "x");
}

TEST_CASE("topology spec: names, device order and node counts are checked with their place") {
  TopologySpec s;
  s.vertices = {dev("n0.d0"), dev("n0.d1"), dev("n1.d0"), sw("sw"),
                sw("sw"),     sw(""),       sw("x", 2),   {"n1.d1", VertexKind::kDevice, 0}};
  CHECK(problems_text(s) ==
        "vertices[4].name: duplicate name 'sw' (also vertices[3])\n"
        "vertices[5].name: empty name\n"
        "vertices[7].node: device 'n1.d1' is on node 1 (from its name), not 0\n"
        "vertices[6].node: node 2 has no device (the devices are on nodes 0..1)\n");
  TopologySpec order;
  order.vertices = {dev("n0.d0"), dev("n0.d2"), dev("n1.d0")};
  CHECK(problems_text(order) ==
        "vertices[1].name: devices are listed node-major: expected 'n0.d1' or 'n1.d0' here, got "
        "'n0.d2'\n");
  TopologySpec uneven;
  uneven.vertices = {dev("n0.d0"), dev("n0.d1"), dev("n1.d0"), sw("s")};
  uneven.links = {link("n0.d0", "s", 1), link("n0.d1", "s", 1), link("n1.d0", "s", 1)};
  CHECK(problems_text(uneven) ==
        "vertices[2].name: node 1 has 1 device, node 0 has 2: every node needs the same number\n");
  TopologySpec named;
  named.vertices = {dev("gpu0"), dev("n00.d0")};
  CHECK(problems_text(named) ==
        "vertices[0].name: a device is named n<node>.d<local> (n0.d0, n0.d1, ..., n1.d0, ...), got "
        "'gpu0'\n"
        "vertices[1].name: a device is named n<node>.d<local> (n0.d0, n0.d1, ..., n1.d0, ...), got "
        "'n00.d0'\n");
  TopologySpec none;
  none.vertices = {sw("s")};
  CHECK(problems_text(none) == "vertices: no device: list at least one vertex of kind device\n");
}

TEST_CASE("topology spec: links are checked, unknown endpoints get the hint") {
  TopologySpec s;
  s.vertices = {dev("n0.d0"), dev("n0.d1"), sw("n0.sw", 0)};
  s.links = {link("n0.d0", "n0.sw", 450), link("n0.d1", "n0.sx", 450), link("n0.sw", "n0.sw", 1),
             link("n0.d1", "n0.sw", 0), link("n0.d1", "n0.sw", 1, -1)};
  const auto hint = [](const std::string& w, const std::vector<std::string>& names) {
    return "hint for " + w + " among " + std::to_string(names.size());
  };
  const auto problems = check_topology_spec(s, hint);
  REQUIRE(problems.size() == 4);
  CHECK(problems[0].item == Item::kLink);
  CHECK(problems[0].index == 1);
  CHECK(problems[0].field == "b");
  CHECK(problems[0].message == "unknown vertex 'n0.sx'; hint for n0.sx among 3");
  CHECK(problems_text(s) ==
        "links[1].b: unknown vertex 'n0.sx'\n"
        "links[2].b: a link cannot join 'n0.sw' to itself\n"
        "links[3].bandwidth: bandwidth must be positive and finite\n"
        "links[4].latency: latency must be in [0 s, 1000 s]\n");
}

TEST_CASE("topology spec: devices cut off from n0.d0 are reported once per group") {
  TopologySpec s;
  s.vertices = {dev("n0.d0"), dev("n0.d1"), dev("n1.d0"), dev("n1.d1"),
                dev("n2.d0"), dev("n2.d1"), sw("a"),      sw("b")};
  s.links = {link("n0.d0", "a", 1), link("n0.d1", "a", 1), link("n1.d0", "b", 1),
             link("n1.d1", "b", 1), link("n2.d0", "n2.d1", 1)};
  CHECK(problems_text(s) ==
        "vertices[2]: no chain of links joins device 'n1.d0' to device 'n0.d0' (1 more device is "
        "cut off with it)\n"
        "vertices[4]: no chain of links joins device 'n2.d0' to device 'n0.d0' (1 more device is "
        "cut off with it)\n");
  // One device alone needs no link.
  TopologySpec one;
  one.vertices = {dev("n0.d0")};
  CHECK(problems_text(one).empty());
  CHECK(build_topology(one).device_count() == 1);
}

TEST_CASE("topology spec: build_topology throws ConfigError listing every problem") {
  TopologySpec s;
  s.vertices = {dev("n0.d0"), dev("n0.d1"), sw("s"), sw("s")};
  s.links = {link("n0.d0", "s", 1), link("n0.d1", "t", 1)};
  CHECK_THROWS_WITH_AS((void)build_topology(s),
                       "topology: vertices[3].name: duplicate name 's' (also vertices[2]); "
                       "links[1].b: unknown vertex 't';",
                       ConfigError);
}
