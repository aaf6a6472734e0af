// deployment.dispatch: the default (pairwise, left out of the resolved file), a mode with its
// parameters per pool, and every bad input at its file, line, column and key.
#include <doctest/doctest.h>

#include <string>

#include "scenario_test_util.hpp"
#include "scenarios/resolved.hpp"

using namespace moesim;
using namespace moesim::test;

namespace {
const char* const kEp = R"(name: t
model: qwen1.5-moe-a2.7b
hardware: h100-sxm
cluster: {nodes: 2, devices_per_node: 2}
deployment: {tp: 1, dp: 4, ep: 4, dispatch: {name: node_limited, max_nodes: 1, overhead: 15us}}
workload:
  source: {name: poisson, rate: 2/s, requests: 10}
)";
}  // namespace

TEST_CASE("dispatch: pairwise by default and left out of the resolved scenario") {
  const Scenario s = load_scenario_text(kBase, "t.yaml", ".", {});
  CHECK(s.deployment.pools.front().dispatch.name == "pairwise");
  CHECK(resolved_yaml(s).find("pairwise") == std::string::npos);
}

TEST_CASE("dispatch: a mode and its parameters, defaults filled, written back resolved") {
  const Scenario s = load_scenario_text(kEp, "t.yaml", ".", {});
  const PluginConfig& d = s.deployment.pools.front().dispatch;
  CHECK(d.name == "node_limited");
  CHECK(d.params.integer("max_nodes") == 1);
  CHECK(d.params.number("overhead") == doctest::Approx(15e-6));
  CHECK(d.params.number("efficiency") == doctest::Approx(0.86));
  const std::string y = resolved_yaml(s);
  CHECK(y.find("name: node_limited") != std::string::npos);
  // The resolved file loads again to the same choice.
  const Scenario again = load_scenario_text(y, "r.yaml", ".", {});
  CHECK(again.deployment.pools.front().dispatch.params.integer("max_nodes") == 1);
  // --set selects a mode by name.
  const Scenario ll = load_scenario_text(kEp, "t.yaml", ".", {"deployment.dispatch=low_latency"});
  CHECK(ll.deployment.pools.front().dispatch.name == "low_latency");
}

TEST_CASE("dispatch: an unknown mode names file, line, column and key") {
  std::string text = kEp;
  text.replace(text.find("node_limited"), 12, "node_limted");
  CHECK(errors_of(text) ==
        "t.yaml:5:45: error: deployment.dispatch: unknown dispatch mode 'node_limted'; did you "
        "mean 'node_limited'? (valid: ascend_fused, low_latency, node_limited, pairwise)\n");
}

TEST_CASE("dispatch: a bad parameter names file, line, column and key") {
  std::string text = kEp;
  text.replace(text.find("max_nodes: 1"), 12, "max_nodes: -1");
  CHECK(errors_of(text) ==
        "t.yaml:5:77: error: deployment.dispatch.max_nodes: value out of range [0, 65536]\n");
  std::string unknown = kEp;
  unknown.replace(unknown.find("max_nodes"), 9, "max_node");
  CHECK(errors_of(unknown) ==
        "t.yaml:5:66: error: deployment.dispatch.max_node: unknown parameter of dispatch mode "
        "'node_limited'; did you mean 'max_nodes'? (valid keys: name, max_nodes, efficiency, "
        "overhead)\n");
  CHECK(errors_of(kEp, {"deployment.dispatch.overhead=5"}) ==
        "--set deployment.dispatch.overhead=5: error: deployment.dispatch.overhead: missing "
        "unit: expected a time such as '2us' or '1.5ms', got '5'\n");
}

TEST_CASE("dispatch: a node limit that leaves fewer than top_k experts, at the key") {
  // qwen1.5-moe-a2.7b: 60 experts, top-4; 2 nodes of 30; M = 1 leaves 30 >= 4 (loads). A model
  // override of top_k 40 leaves 30 < 40.
  CHECK(errors_of(kEp, {"model.moe.top_k=40"}) ==
        "t.yaml:5:45: error: deployment.dispatch: dispatch 'node_limited': max_nodes 1 leaves 30 "
        "experts to choose from, fewer than top_k 40\n");
}

TEST_CASE("dispatch: beside 'pools' it must go inside each pool") {
  const std::string text = R"(name: t
model: qwen1.5-moe-a2.7b
hardware: h100-sxm
cluster: {nodes: 1, devices_per_node: 2}
deployment:
  dispatch: low_latency
  pools: [{role: colocated, tp: 1, dp: 2, ep: 2}]
workload:
  source: {name: poisson, rate: 2/s, requests: 10}
)";
  CHECK(errors_of(text) ==
        "t.yaml:6:13: error: deployment.dispatch: set it inside each entry of 'pools', not "
        "beside it\n");
}
