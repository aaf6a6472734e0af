// ClusterGraph: construction errors, deterministic shortest routes and their tie-breaks, stable
// edge indices, the bisection max flow and the Graphviz output, on small hand-made graphs.
#include <doctest/doctest.h>

#include <string>

#include "models/errors.hpp"
#include "topology/cluster_graph.hpp"

using namespace moesim;

namespace {
constexpr double kGB = 1e9;
constexpr double kUs = 1e-6;

// Two devices joined through two switches with equal latency: the tie goes to the lower vertex.
ClusterGraph diamond() {
  ClusterGraph g;
  g.add_vertex("a", VertexKind::kDevice, 0);                                // vertex 0, device 0
  g.add_vertex("b", VertexKind::kDevice, 0);                                // vertex 1, device 1
  const int hi = g.add_vertex("hi", VertexKind::kSwitch);                   // vertex 2
  const int lo = g.add_vertex("lo", VertexKind::kSwitch);                   // vertex 3
  g.add_duplex_link(0, lo, BytesPerSec(100 * kGB), Seconds(1 * kUs), "x");  // edges 0, 1
  g.add_duplex_link(lo, 1, BytesPerSec(100 * kGB), Seconds(1 * kUs), "x");  // edges 2, 3
  g.add_duplex_link(0, hi, BytesPerSec(50 * kGB), Seconds(1 * kUs), "y");   // edges 4, 5
  g.add_duplex_link(hi, 1, BytesPerSec(50 * kGB), Seconds(1 * kUs), "y");   // edges 6, 7
  return g;
}
}  // namespace

TEST_CASE("cluster graph: devices get node-major indices and duplex links two edge indices") {
  ClusterGraph g;
  CHECK(g.add_vertex("n0.d0", VertexKind::kDevice, 0) == 0);
  CHECK(g.add_vertex("sw", VertexKind::kSwitch) == 1);
  CHECK(g.add_vertex("n0.d1", VertexKind::kDevice, 0) == 2);
  CHECK(g.device_count() == 2);
  CHECK(g.vertex_of_device(1) == 2);
  CHECK(g.vertex(2).device == 1);
  CHECK(g.vertex(1).device == -1);
  CHECK(g.find_vertex("sw") == 1);
  CHECK_FALSE(g.find_vertex("nope").has_value());
  CHECK(g.add_duplex_link(0, 1, BytesPerSec(10 * kGB), Seconds(0), "scale_up") == 0);
  CHECK(g.add_duplex_link(2, 1, BytesPerSec(10 * kGB), Seconds(0), "scale_up") == 2);
  CHECK(g.link_count() == 4);
  CHECK(g.link(1).name == "sw->n0.d0");
  CHECK(g.link(1).index == 1);
  CHECK(g.link_source(1) == 1);
  CHECK(g.link_target(1) == 0);
  CHECK(ClusterGraph::reverse_link(2) == 3);
  CHECK(ClusterGraph::reverse_link(3) == 2);
}

TEST_CASE("cluster graph: bad vertices and links throw ConfigError with the reason") {
  ClusterGraph g;
  g.add_vertex("a", VertexKind::kDevice);
  g.add_vertex("b", VertexKind::kDevice);
  CHECK_THROWS_WITH_AS(g.add_vertex("a", VertexKind::kSwitch), "topology vertex 'a' added twice",
                       ConfigError);
  CHECK_THROWS_WITH_AS(g.add_vertex("", VertexKind::kSwitch), "topology vertex with an empty name",
                       ConfigError);
  CHECK_THROWS_WITH_AS(g.add_duplex_link(0, 1, BytesPerSec(0), Seconds(0), "nic"),
                       "topology link 'a->b' (nic): bandwidth must be positive and finite",
                       ConfigError);
  CHECK_THROWS_WITH_AS(g.add_duplex_link(0, 1, BytesPerSec(1), Seconds(-1), "nic"),
                       "topology link 'a->b' (nic): latency must be in [0 s, 1000 s]", ConfigError);
  CHECK_THROWS_WITH_AS(g.add_duplex_link(0, 0, BytesPerSec(1), Seconds(0), "nic"),
                       "topology link between invalid vertices 0 and 0", ConfigError);
  CHECK_THROWS_WITH_AS((void)g.route(0, 1), "no route from device 'a' to device 'b'", ConfigError);
  CHECK_THROWS_AS((void)g.route(0, 2), std::out_of_range);
}

TEST_CASE("cluster graph: equal-latency paths tie-break to the lower vertex index") {
  const ClusterGraph g = diamond();
  // a -> lo -> b and a -> hi -> b both take 2 us in 2 hops; "hi" (vertex 2) < "lo" (vertex 3).
  const Route& r = g.route(0, 1);
  CHECK(r.hops == std::vector<int>{4, 6});
  CHECK(r.latency.value() == doctest::Approx(2 * kUs));
  CHECK(r.bottleneck.value() == doctest::Approx(50 * kGB));
  const Route& back = g.route(1, 0);
  CHECK(back.hops == std::vector<int>{7, 5});
  CHECK(g.route(0, 0).hops.empty());
  CHECK(g.route(0, 0).latency.value() == 0.0);
  const auto links = g.route_links(0, 1);
  REQUIRE(links.size() == 2);
  CHECK(links[0].first == 4);
  CHECK(links[0].second.name == "a->hi");
  CHECK(links[1].second.name == "hi->b");
}

TEST_CASE("cluster graph: among equal latencies the route with fewer hops wins") {
  ClusterGraph g = diamond();
  // A direct link of the same total latency (2 us) beats both two-hop paths.
  const int direct = g.add_duplex_link(0, 1, BytesPerSec(1 * kGB), Seconds(2 * kUs), "direct");
  CHECK(g.route(0, 1).hops == std::vector<int>{direct});
  // A strictly faster path wins regardless of hops.
  ClusterGraph h = diamond();
  h.add_duplex_link(0, 1, BytesPerSec(1 * kGB), Seconds(3 * kUs), "slow");
  CHECK(h.route(0, 1).hops.size() == 2);
}

TEST_CASE("cluster graph: copies and moves keep routes and edge indices") {
  const ClusterGraph g = diamond();
  ClusterGraph copy = g;
  CHECK(copy.route(0, 1).hops == g.route(0, 1).hops);
  CHECK(copy.link(6).name == "hi->b");
  ClusterGraph moved = std::move(copy);
  CHECK(copy.vertex_count() == 0);  // NOLINT(bugprone-use-after-move): moved-from is empty
  CHECK(copy.link_count() == 0);    // NOLINT(bugprone-use-after-move)
  CHECK(moved.route(1, 0).hops == std::vector<int>{7, 5});
  CHECK(moved.link_source(7) == 1);
  ClusterGraph assigned;
  assigned = moved;
  CHECK(assigned.link(3).name == "b->lo");
  CHECK(assigned.route(0, 1).hops == std::vector<int>{4, 6});
}

// Regression (reliability issue, item 14): Boost 1.74's adjacency_list has no move and its swap
// copies the graph three times, so "moving" a ClusterGraph copied it: at 2^20 devices that took
// minutes and threw bad_alloc inside the noexcept move (std::terminate). A move now hands the
// storage over: the same graph object, no copy, no allocation.
TEST_CASE("cluster graph: a move hands the storage over instead of copying it") {
  ClusterGraph g = diamond();
  const ClusterGraph::Graph* storage = &g.graph();
  const LinkInfo* link = &g.link(6);
  ClusterGraph moved = std::move(g);
  CHECK(&moved.graph() == storage);
  CHECK(&moved.link(6) == link);
  ClusterGraph assigned;
  assigned = std::move(moved);
  CHECK(&assigned.graph() == storage);
  CHECK(assigned.route(1, 0).hops == std::vector<int>{7, 5});
  CHECK(moved.vertex_count() == 0);  // NOLINT(bugprone-use-after-move): moved-from is empty
  moved.add_vertex("again", VertexKind::kDevice);  // NOLINT(bugprone-use-after-move): usable
  CHECK(moved.device_count() == 1);
}

TEST_CASE("cluster graph: bisection bandwidth is the max flow between device halves") {
  // Devices a | b, two disjoint paths of 100 and 50 GB/s: 150 GB/s per direction.
  CHECK(diamond().bisection_bandwidth() == doctest::Approx(150 * kGB));
  // A chain a - s - b whose middle link is 10 GB/s: the cut is the narrow link.
  ClusterGraph g;
  g.add_vertex("a", VertexKind::kDevice);
  g.add_vertex("b", VertexKind::kDevice);
  const int s = g.add_vertex("s", VertexKind::kSwitch);
  const int t = g.add_vertex("t", VertexKind::kSwitch);
  g.add_duplex_link(0, s, BytesPerSec(100 * kGB), Seconds(0), "x");
  g.add_duplex_link(s, t, BytesPerSec(10 * kGB), Seconds(0), "x");
  g.add_duplex_link(t, 1, BytesPerSec(100 * kGB), Seconds(0), "x");
  CHECK(g.bisection_bandwidth() == doctest::Approx(10 * kGB));
  ClusterGraph one;
  one.add_vertex("a", VertexKind::kDevice);
  CHECK(one.bisection_bandwidth() == 0.0);
}

TEST_CASE("cluster graph: the Graphviz text names every vertex and each duplex link once") {
  const std::string dot = diamond().to_dot();
  CHECK(dot.rfind("graph cluster {", 0) == 0);
  for (const char* v : {"\"a\" [shape=box]", "\"b\" [shape=box]", "\"hi\" [shape=diamond]"}) {
    CHECK(dot.find(v) != std::string::npos);
  }
  CHECK(dot.find("\"a\" -- \"lo\"") != std::string::npos);
  CHECK(dot.find("\"lo\" -- \"a\"") == std::string::npos);
}
