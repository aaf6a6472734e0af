// cluster.topology_file: a YAML file of vertices and links read into the cluster graph. A file
// equal to the `switch` builder gives the same graph, routes and collective times; the resolved
// scenario records the file; sweeps make its path absolute; every error has its exact text and
// place (in the topology file, or at the scenario key that names it).
#include <doctest/doctest.h>

#include <filesystem>
#include <numeric>
#include <string>

#include "scenarios/loader.hpp"
#include "scenarios/resolved.hpp"
#include "scenarios/simulation_factory.hpp"
#include "scenarios/sweep_loader.hpp"
#include "tests/test_support.hpp"
#include "topology/graph_collectives.hpp"

using namespace moesim;
using moesim::test::temp_dir;
using moesim::test::write_text;

namespace {

// "n<n>." built by appending (`"n" + std::to_string(n)` trips GCC 12's false -Wrestrict).
std::string node(int n) {
  std::string s = "n";
  s += std::to_string(n);
  s += '.';
  return s;
}

std::string scenario(const std::string& cluster) {
  return "name: t\nmodel: qwen1.5-moe-a2.7b\nhardware: h100-sxm\ncluster: " + cluster +
         "\nworkload:\n  source: {name: poisson, rate: 2/s, requests: 10}\n";
}

// The `switch` builder's graph for 2 nodes x 4 h100-sxm devices, written by hand in the builder's
// order: scale-up 450 GB/s with half the preset's 2 us per hop, NICs at scale-out 50 GB/s and
// 0 us, NIC -> fabric at half of the 5 us scale-out latency.
std::string switch_file() {
  std::string v = "vertices:\n", l = "links:\n";
  for (int n = 0; n < 2; ++n) {
    for (int d = 0; d < 4; ++d) {
      v += "  - {name: " + node(n) + "d" + std::to_string(d) + ", kind: device}\n";
    }
  }
  for (int n = 0; n < 2; ++n) {
    const std::string p = node(n);
    v += "  - {name: " + p + "sw, kind: switch, node: " + std::to_string(n) + "}\n";
    for (int d = 0; d < 4; ++d) {
      l += "  - {a: " + p + "d" + std::to_string(d) + ", b: " + p +
           "sw, bandwidth: 450 GB/s, latency: 1 us, kind: scale_up}\n";
    }
  }
  for (int n = 0; n < 2; ++n) {
    const std::string p = node(n);
    for (int d = 0; d < 4; ++d) {
      const std::string k = std::to_string(d);
      v += "  - {name: " + p + "nic" + k + ", kind: nic, node: " + std::to_string(n) + "}\n";
      l += "  - {a: " + p + "d" + k + ", b: " + p + "nic" + k +
           ", bandwidth: 50GB/s, latency: 0us, kind: nic}\n";
    }
  }
  v += "  - {name: fabric, kind: switch}\n";
  for (int n = 0; n < 2; ++n) {
    for (int d = 0; d < 4; ++d) {
      l += "  - {a: " + node(n) + "nic" + std::to_string(d) +
           ", b: fabric, bandwidth: 50GB/s, latency: 2.5us, kind: scale_out}\n";
    }
  }
  return v + l;
}

// A two-device file whose lines and columns the error tests name.
const char* kSmall = R"(vertices:
  - {name: n0.d0, kind: device}
  - {name: n0.d1, kind: device}
  - {name: sw, kind: switch}
links:
  - {a: n0.d0, b: sw, bandwidth: 450GB/s, latency: 1us}
  - {a: n0.d1, b: sw, bandwidth: 450GB/s, latency: 1us}
)";

// The diagnostics of loading scenario `cluster` beside topology file `topology` (f.yaml) in a
// fresh folder `name`; "" when it loads. `$` in the result stands for the folder.
std::string errors(const std::string& name, const std::string& cluster,
                   const std::string& topology) {
  const std::string dir = temp_dir(name);
  write_text(dir + "/s.yaml", scenario(cluster));
  if (!topology.empty()) write_text(dir + "/f.yaml", topology);
  std::string text;
  try {
    (void)load_scenario_file(dir + "/s.yaml");
  } catch (const ScenarioError& e) {
    text = e.diagnostics().text();
  }
  std::string out;
  std::size_t from = 0;
  for (auto at = text.find(dir); at != std::string::npos; at = text.find(dir, from)) {
    out.append(text, from, at - from);
    out += '$';
    from = at + dir.size();
  }
  return out.append(text, from);
}

std::vector<int> first(int n) {
  std::vector<int> v(std::size_t(n), 0);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

}  // namespace

TEST_CASE("topology file: a file equal to the switch builder gives the same routes and costs") {
  const std::string dir = temp_dir("topofile-switch");
  write_text(dir + "/f.yaml", switch_file());
  write_text(dir + "/file.yaml", scenario("{topology_file: f.yaml}"));
  write_text(dir + "/builder.yaml", scenario("{nodes: 2, devices_per_node: 4}"));
  const Scenario fs = load_scenario_file(dir + "/file.yaml");
  const Scenario bs = load_scenario_file(dir + "/builder.yaml");
  CHECK(fs.cluster.nodes == 2);
  CHECK(fs.cluster.devices_per_node == 4);
  CHECK(fs.cluster.topology_label() == "file " + dir + "/f.yaml");
  CHECK(bs.cluster.topology_label() == "switch");
  const auto file = make_cluster_graph(fs);
  const auto ref = make_cluster_graph(bs);
  REQUIRE(file->link_count() == ref->link_count());
  for (int e = 0; e < ref->link_count(); ++e) {
    CHECK(file->link(e).name == ref->link(e).name);
    CHECK(file->link(e).bandwidth.value() == doctest::Approx(ref->link(e).bandwidth.value()));
    CHECK(file->link(e).latency.value() == doctest::Approx(ref->link(e).latency.value()));
  }
  for (int a = 0; a < 8; ++a) {
    for (int b = 0; b < 8; ++b) CHECK(file->route(a, b).hops == ref->route(a, b).hops);
  }
  // 4 NICs x 50 GB/s cross the node cut.
  CHECK(file->bisection_bandwidth() == doctest::Approx(200e9));
  CHECK(ref->bisection_bandwidth() == doctest::Approx(200e9));
  const double eta = fs.hardware.efficiency.communication;
  const GraphCollectiveModel mf(file, first(8), eta), mr(ref, first(8), eta);
  for (const Collective c :
       {Collective::kAllReduce, Collective::kAllGather, Collective::kAllToAll}) {
    for (const int n : {2, 4, 8}) {
      const Op op = collective_op(c, Bytes(4e6), n);
      CHECK(mf.time(op).value() == doctest::Approx(mr.time(op).value()).epsilon(1e-12));
    }
  }
}

TEST_CASE("topology file: the resolved scenario names the file by its absolute path") {
  const std::string dir = temp_dir("topofile-resolved");
  std::filesystem::create_directories(dir + "/fabric");
  write_text(dir + "/fabric/f.yaml", kSmall);
  write_text(dir + "/s.yaml", scenario("{devices_per_node: 2, topology_file: fabric/f.yaml}"));
  const Scenario s = load_scenario_file(dir + "/s.yaml");
  CHECK(s.cluster.topology_file == dir + "/fabric/f.yaml");
  const std::string resolved = resolved_yaml(s);
  CHECK(resolved.find("cluster:\n  nodes: 1\n  devices_per_node: 2\n  topology_file: " + dir +
                      "/fabric/f.yaml\n") != std::string::npos);
  CHECK(resolved.find("  topology:") == std::string::npos);
  // It loads again from another folder.
  const std::string other = temp_dir("topofile-resolved-again");
  write_text(other + "/r.yaml", resolved);
  const Scenario again = load_scenario_file(other + "/r.yaml");
  CHECK(again.cluster.topology_file == dir + "/fabric/f.yaml");
  CHECK(make_cluster_graph(again)->device_count() == 2);
}

TEST_CASE("topology file: a sweep passes the path on absolute and sizes devices from the file") {
  const std::string dir = temp_dir("topofile-sweep");
  write_text(dir + "/f.yaml", switch_file());
  const SweepFile f = load_sweep_text(
      scenario("{topology_file: f.yaml}") + "sweep:\n  grid: {deployment.tp: [1, 2]}\n",
      dir + "/sw.yaml", dir);
  CHECK(f.base_overrides == std::vector<std::string>{"cluster.topology_file=" + dir + "/f.yaml"});
  CHECK(f.spec.base_values.at("cluster.nodes") == "2");
  CHECK(f.spec.base_values.at("cluster.devices_per_node") == "4");
}

TEST_CASE("topology file: an unknown link endpoint is named with its place and a suggestion") {
  std::string bad = kSmall;
  bad.replace(bad.rfind("b: sw"), 5, "b: sx");
  CHECK(errors("topofile-endpoint", "{topology_file: f.yaml}", bad) ==
        "$/f.yaml:7:19: error: links[1].b: unknown vertex 'sx'; did you mean 'sw'?\n");
}

TEST_CASE("topology file: a duplicate name and a bad unit are reported together") {
  std::string bad = kSmall;
  bad.replace(bad.find("  - {name: sw"), 0, "  - {name: sw, kind: nic}\n");
  bad.replace(bad.rfind("latency: 1us"), 12, "latency: 2 fortnights");
  CHECK(errors("topofile-dup-unit", "{topology_file: f.yaml}", bad) ==
        "$/f.yaml:8:52: error: links[1].latency: unknown unit 'fortnights' for a time; valid "
        "units: ns, us, ms, s, min, h\n");
  // With every entry read, the graph checks run.
  std::string dup = kSmall;
  dup.replace(dup.find("  - {name: sw"), 0, "  - {name: sw, kind: nic}\n");
  CHECK(errors("topofile-dup", "{topology_file: f.yaml}", dup) ==
        "$/f.yaml:5:12: error: vertices[3].name: duplicate name 'sw' (also vertices[2])\n");
}

TEST_CASE("topology file: a missing file is reported at the scenario key that names it") {
  CHECK(errors("topofile-missing", "{topology_file: nowhere.yaml}", "") ==
        "$/s.yaml:4:26: error: cluster.topology_file: cannot open topology file "
        "'$/nowhere.yaml'\n");
}

TEST_CASE("topology file: nodes and devices_per_node must match the file") {
  CHECK(
      errors("topofile-count", "{nodes: 2, devices_per_node: 8, topology_file: f.yaml}", kSmall) ==
      "$/s.yaml:4:18: error: cluster.nodes: the topology file '$/f.yaml' has 1 node of 2 "
      "devices: write 1 or leave 'nodes' out\n"
      "$/s.yaml:4:39: error: cluster.devices_per_node: the topology file '$/f.yaml' has 1 node "
      "of 2 devices: write 2 or leave 'devices_per_node' out\n");
  CHECK(
      errors("topofile-count-ok", "{nodes: 1, devices_per_node: 2, topology_file: f.yaml}", kSmall)
          .empty());
}

TEST_CASE("topology file: topology and topology_file exclude each other") {
  CHECK(errors("topofile-both", "{topology: switch, topology_file: f.yaml}", kSmall) ==
        "$/s.yaml:4:44: error: cluster.topology_file: 'topology' and 'topology_file' exclude "
        "each other: the file defines the whole graph\n");
}

TEST_CASE("topology file: structure, unknown keys and cut-off devices") {
  CHECK(errors("topofile-empty", "{topology_file: f.yaml}", "[]\n") ==
        "$/f.yaml: error: a topology file must be a map with 'vertices' and 'links'\n");
  std::string keys = kSmall;
  keys.replace(keys.find("kind: switch"), 12, "kind: swich, nodes: 1");
  CHECK(errors("topofile-keys", "{topology_file: f.yaml}", keys + "link: []\n") ==
        "$/f.yaml:8:1: error: link: unknown key; did you mean 'links'? (valid keys: vertices, "
        "links)\n"
        "$/f.yaml:4:22: error: vertices[2].kind: 'swich' is not valid; did you mean 'switch'? "
        "(valid: device, nic, switch)\n"
        "$/f.yaml:4:29: error: vertices[2].nodes: unknown key; did you mean 'node'? (valid keys: "
        "name, kind, node)\n");
  std::string cut = kSmall;
  cut.erase(cut.rfind("  - {a: n0.d1"));
  CHECK(errors("topofile-cut", "{topology_file: f.yaml}", cut) ==
        "$/f.yaml:3:5: error: vertices[1]: no chain of links joins device 'n0.d1' to device "
        "'n0.d0'\n");
}

// Regression: a link of 1e-9B/s was accepted, where hardware links need at least 1 B/s.
TEST_CASE("topology file: a link bandwidth below 1 B/s is refused at its place") {
  std::string slow = kSmall;
  slow.replace(slow.find("450GB/s"), 7, "1e-9B/s");
  const std::string e = errors("topofile-slow", "{topology_file: f.yaml}", slow);
  CHECK_MESSAGE(e.rfind("$/f.yaml:6:34: error: links[0].bandwidth: value '1e-9B/s' must be at least ", 0) == 0, e);
}
