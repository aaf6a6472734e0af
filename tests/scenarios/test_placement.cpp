// Explicit device placement of pools (deployment.pools[i].devices): parsing, the default
// placement around explicit lists, validation messages, and that placement changes costs.
#include <doctest/doctest.h>

#include "scenarios/loader.hpp"
#include "scenarios/simulation_factory.hpp"
#include "topology/graph_collectives.hpp"

using namespace moesim;

namespace {

const char* kTwoNodes = R"(name: t
model: qwen1.5-moe-a2.7b
hardware: h100-sxm
cluster: {nodes: 2, devices_per_node: 4}
workload:
  source: {name: poisson, rate: 2/s, requests: 10}
)";

Scenario load(const std::string& extra) {
  return load_scenario_text(std::string(kTwoNodes) + extra, "t.yaml", ".");
}

std::string errors_of(const std::string& extra) {
  try {
    (void)load(extra);
  } catch (const ScenarioError& e) {
    return e.diagnostics().text();
  }
  return "";
}

std::vector<std::vector<int>> placement(const Scenario& s) {
  std::vector<std::vector<int>> out;
  for (const auto& pi : place_instances(s)) out.push_back(pi.devices);
  return out;
}

}  // namespace

TEST_CASE("placement: indices, ranges and device names, other pools fill the free devices") {
  const Scenario s = load(R"(deployment:
  pools:
    - {role: prefill, replicas: 1, tp: 2, devices: [n1.d0, n0.d3]}
    - {role: decode, replicas: 2, tp: 2}
    - {role: decode, replicas: 1, tp: 2, devices: ["5-6"]}
)");
  const auto p = placement(s);
  REQUIRE(p.size() == 4);
  CHECK(p[0] == std::vector<int>{4, 3});
  CHECK(p[1] == std::vector<int>{0, 1});  // lowest devices no explicit list holds
  CHECK(p[2] == std::vector<int>{2, 7});  // skips 3, 4, 5, 6
  CHECK(p[3] == std::vector<int>{5, 6});
}

TEST_CASE("placement: without lists, pools take contiguous ranges in order") {
  const Scenario s = load(R"(deployment:
  pools:
    - {role: prefill, replicas: 2, tp: 2}
    - {role: decode, replicas: 1, tp: 4}
)");
  CHECK(placement(s) == std::vector<std::vector<int>>{{0, 1}, {2, 3}, {4, 5, 6, 7}});
}

TEST_CASE("placement: a TP group split across nodes pays the scale-out link") {
  const Scenario local = load("deployment: {tp: 2, devices: [0, 1]}\n");
  const Scenario split = load("deployment: {tp: 2, devices: [n0.d0, n1.d0]}\n");
  auto all_reduce = [](const Scenario& s) {
    GraphCollectiveModel m(make_cluster_graph(s), place_instances(s).front().devices,
                           s.hardware.efficiency.communication);
    return m.time(collective_op(Collective::kAllReduce, Bytes(64.0 * 1024 * 1024), 2)).value();
  };
  // Ring all-reduce of S over 2 devices: S / (bw x eta) + 2 x route latency. Local: NVLink
  // (scale_up 450 GB/s, 2 us through the switch); split: NIC -> fabric -> NIC (scale_out
  // 50 GB/s, 5 us).
  const double s_bytes = 64.0 * 1024 * 1024;
  const double eta = local.hardware.efficiency.communication;
  CHECK(all_reduce(local) ==
        doctest::Approx(s_bytes / (local.hardware.scale_up.bandwidth.value() * eta) +
                        2 * local.hardware.scale_up.latency.value()));
  CHECK(all_reduce(split) ==
        doctest::Approx(s_bytes / (local.hardware.scale_out.bandwidth.value() * eta) +
                        2 * local.hardware.scale_out.latency.value()));
}

TEST_CASE("placement: errors name the pool, the key and the device") {
  CHECK(errors_of("deployment: {tp: 2, devices: [0, 1, 2]}\n") ==
        "t.yaml:7:30: error: deployment.devices: lists 3 devices but the pool needs 2 (replicas 1 "
        "x tp 2 x dp 1)\n");
  CHECK(errors_of("deployment: {tp: 2, devices: [7, 8]}\n") ==
        "t.yaml:7:30: error: deployment.devices: device 8 is outside the cluster's 8 devices "
        "(0..7)\n");
  CHECK(errors_of(R"(deployment:
  pools:
    - {role: prefill, tp: 2, devices: ["0-1"]}
    - {role: decode, tp: 2, devices: [n0.d1, n0.d2]}
)") == "t.yaml:10:38: error: deployment.pools[1].devices: device 1 is listed twice (also in "
       "pools[0])\n");
  CHECK(errors_of("deployment: {tp: 2, devices: [3, x1, n0.d4]}\n") ==
        "t.yaml:7:34: error: deployment.devices[1]: expected a device index (e.g. 3), an inclusive "
        "range (e.g. 8-15) or a device name n<node>.d<k> with k < devices_per_node (4)\n"
        "t.yaml:7:38: error: deployment.devices[2]: expected a device index (e.g. 3), an inclusive "
        "range (e.g. 8-15) or a device name n<node>.d<k> with k < devices_per_node (4)\n");
  CHECK(errors_of("deployment: {tp: 2, devices: 3}\n") ==
        "t.yaml:7:30: error: deployment.devices: expected a list of devices, e.g. [0, 1, 2, 3], "
        "[\"8-15\"] or [n1.d0, n1.d1]\n");
}
