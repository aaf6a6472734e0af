// moesim topology describe SCENARIO [--route A B] [--dot FILE]: the cluster graph of a
// scenario: devices, links by kind, bisection bandwidth, the route between two devices.
#include <cstdio>
#include <map>

#include "analysis/atomic_file.hpp"
#include "cli/args.hpp"
#include "cli/command_specs.hpp"
#include "cli/commands.hpp"
#include "models/comm_efficiency.hpp"
#include "scenarios/loader.hpp"
#include "scenarios/simulation_factory.hpp"
#include "sim/collective_probe.hpp"
#include "topology/graph_collectives.hpp"

namespace moesim {
namespace {

int device_by_name(const ClusterGraph& g, const std::string& name) {
  const auto v = g.find_vertex(name);
  if (!v || g.vertex(*v).kind != VertexKind::kDevice) {
    throw UsageError("no device named '" + name + "' (devices are named like n0.d0; see the list)");
  }
  return g.vertex(*v).device;
}

// The scenario's eta and overhead for one call, priced as the flows run it: ring (direct for
// all-to-all) over the links' own latency. The link_class model may plan another algorithm and
// step latency for the run; calibration checks routes and contention, not that choice.
class RingPricing final : public CommunicationEfficiency {
 public:
  RingPricing(double eta, Seconds overhead) : eta_(eta), overhead_(overhead) {}
  [[nodiscard]] double efficiency(Collective, Bytes) const override { return eta_; }
  [[nodiscard]] Seconds overhead(Collective) const override { return overhead_; }

 private:
  double eta_;
  Seconds overhead_;
};

}  // namespace

// moesim topology calibrate SCENARIO [--collective C] [--group N] [--bytes S]: one collective
// over the first N devices, priced by the closed form and simulated as SimGrid flows.
int calibrate(const Args& a, const Scenario& s, const ClusterGraph& g) {
  const std::string name = a.get_or("collective", "all_to_all");
  Collective c = Collective::kAllToAll;
  if (name == "all_reduce") c = Collective::kAllReduce;
  else if (name == "all_gather") c = Collective::kAllGather;
  else if (name == "reduce_scatter") c = Collective::kReduceScatter;
  else if (name != "all_to_all")
    throw UsageError("--collective: all_to_all, all_reduce, all_gather or reduce_scatter");
  const int n = int(a.get_int("group", g.device_count()));
  if (n < 2 || n > g.device_count()) throw UsageError("--group must lie in [2, devices]");
  const auto bytes = parse_quantity(a.get_or("bytes", "64MiB"), Dimension::kBytes);
  if (!bytes.value) throw UsageError("--bytes: " + bytes.error);
  std::vector<int> devices;
  for (int d = 0; d < n; ++d) devices.push_back(d);
  const Op op = collective_op(c, Bytes(*bytes.value), n);
  // The scenario's communication efficiency: eta at this message size and the per-call overhead
  // enter both sides the same way, so the comparison checks routes and contention only.
  const std::shared_ptr<const ClusterGraph> graph(&g, [](const ClusterGraph*) {});
  const bool crosses = GraphCollectiveModel(graph, devices, 1.0).shape(c, n).crosses_domain;
  const CallPlan plan =
      make_communication_efficiency(s.hardware)->plan({c, op.message, n, crosses});
  const double eta = plan.eta;
  const double overhead = plan.overhead.value();
  const double closed =
      GraphCollectiveModel(graph, devices, std::make_shared<RingPricing>(eta, plan.overhead))
          .time(op)
          .value();
  // The same links at bandwidth x efficiency, routes for every pair of the group.
  KvNetworkSpec spec;
  spec.devices = g.device_count();
  for (int l = 0; l < g.link_count(); ++l) {
    spec.links.push_back({g.link(l).bandwidth.value() * eta, g.link(l).latency.value()});
  }
  for (int x : devices) {
    for (int y : devices) {
      if (x != y) spec.routes[{x, y}] = g.route(x, y).hops;
    }
  }
  const double simulated = overhead + simulate_collective(spec, devices, c, *bytes.value);
  std::printf("%s over devices 0..%d of '%s' (%s), %s per device:\n", name.c_str(), n - 1,
              s.name.c_str(), s.cluster.topology_label().c_str(),
              format_quantity(*bytes.value, Dimension::kBytes).c_str());
  std::printf("  closed form  %.9g s\n  SimGrid      %.9g s\n  difference   %+.3g%%\n", closed,
              simulated, 100.0 * (closed - simulated) / simulated);
  return 0;
}

int cmd_topology(int argc, char** argv) {
  const Args a(argc, argv, 2, command_spec("topology"));
  const auto& p = a.positionals();
  if (p.size() < 2 || (p[0] != "describe" && p[0] != "calibrate")) {
    throw UsageError(a.usage());
  }
  if (p[0] == "calibrate") {
    const Scenario s = load_scenario_file(p[1], a.all("set"));
    return calibrate(a, s, *make_cluster_graph(s));
  }
  const Scenario s = load_scenario_file(p[1], a.all("set"));
  const auto g = make_cluster_graph(s);
  std::printf("%s: %d devices (%d nodes x %d), topology %s, %d vertices, %d directed links\n",
              s.name.c_str(), g->device_count(), s.cluster.nodes, s.cluster.devices_per_node,
              s.cluster.topology_label().c_str(), g->vertex_count(), g->link_count());
  struct KindStats {
    int count = 0;
    double min_bw = 1e300, max_bw = 0, latency = 0;
  };
  std::map<std::string, KindStats> kinds;
  for (int l = 0; l < g->link_count(); ++l) {
    const LinkInfo& li = g->link(l);
    auto& k = kinds[li.kind];
    k.count += 1;
    k.min_bw = std::min(k.min_bw, li.bandwidth.value());
    k.max_bw = std::max(k.max_bw, li.bandwidth.value());
    k.latency = li.latency.value();
  }
  std::printf("\n  %-14s %7s %14s %14s %10s\n", "link kind", "count", "bandwidth", "(max)", "latency");
  for (const auto& [name, k] : kinds) {
    std::printf("  %-14s %7d %14s %14s %10s\n", name.c_str(), k.count,
                format_quantity(k.min_bw, Dimension::kBandwidth).c_str(),
                format_quantity(k.max_bw, Dimension::kBandwidth).c_str(),
                format_quantity(k.latency, Dimension::kTime).c_str());
  }
  std::printf("\n  bisection bandwidth (first half of the devices to the second): %s per direction\n",
              format_quantity(g->bisection_bandwidth(), Dimension::kBandwidth).c_str());
  std::printf("\n  instances:\n");
  for (const auto& pi : place_instances(s)) {
    const auto& pool = s.deployment.pools[pi.pool];
    auto name = [&](int d) { return g->vertex(g->vertex_of_device(d)).name; };
    bool contiguous = true;
    for (std::size_t k = 1; k < pi.devices.size(); ++k) {
      contiguous = contiguous && pi.devices[k] == pi.devices[k - 1] + 1;
    }
    std::string where;
    if (contiguous) {
      where = name(pi.devices.front()) + " .. " + name(pi.devices.back());
    } else {
      for (int d : pi.devices) where += (where.empty() ? "" : ", ") + name(d);
    }
    std::printf("    %s #%d: devices %s\n", pool.role.c_str(), pi.replica, where.c_str());
  }
  if (auto r = a.get("route")) {
    const auto comma = r->find(',');
    if (comma == std::string::npos) throw UsageError("--route expects A,B (two device names)");
    const int src = device_by_name(*g, r->substr(0, comma));
    const int dst = device_by_name(*g, r->substr(comma + 1));
    const Route& route = g->route(src, dst);
    std::printf("\n  route %s: %zu hops, latency %s, bottleneck %s\n", r->c_str(), route.hops.size(),
                format_quantity(route.latency.value(), Dimension::kTime).c_str(),
                format_quantity(route.bottleneck.value(), Dimension::kBandwidth).c_str());
    for (int h : route.hops) {
      const LinkInfo& li = g->link(h);
      std::printf("    %-28s %-12s %s\n", li.name.c_str(), li.kind.c_str(),
                  format_quantity(li.bandwidth.value(), Dimension::kBandwidth).c_str());
    }
  }
  if (auto dot = a.get("dot")) {
    write_file_atomic(*dot, g->to_dot());
    std::printf("\n  wrote %s\n", dot->c_str());
  }
  return 0;
}

}  // namespace moesim
