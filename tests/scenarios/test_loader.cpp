// Scenario loading: presets, overrides, every error with its exact message and place.
#include <doctest/doctest.h>

#include <algorithm>

#include "scenarios/catalog.hpp"
#include "scenarios/loader.hpp"
#include "tests/scenarios/scenario_test_util.hpp"

using namespace moesim;
using moesim::test::errors_of;
using moesim::test::kBase;

TEST_CASE("every catalog preset loads without a diagnostic") {
  CHECK(catalog_names(CatalogKind::kModels).size() == 15);
  CHECK(catalog_names(CatalogKind::kHardware).size() == 14);
  for (const auto& n : catalog_names(CatalogKind::kModels)) CHECK_NOTHROW((void)load_model_preset(n));
  for (const auto& n : catalog_names(CatalogKind::kHardware))
    CHECK_NOTHROW((void)load_hardware_preset(n));
}

TEST_CASE("a valid scenario resolves presets and defaults") {
  const Scenario s = load_scenario_text(kBase, "t.yaml", ".");
  CHECK(s.model.name == "qwen1.5-moe-a2.7b");
  CHECK(s.model.moe.experts == 60);
  CHECK(s.hardware.memory_bandwidth.value() == doctest::Approx(3.35e12));
  CHECK(s.serving.scheduler.name == "vllm");
  CHECK(s.serving.scheduler.params.integer("max_num_seqs") == 256);
  CHECK_FALSE(s.speculative.enabled);
}

TEST_CASE("preset with inline overrides and --set overrides") {
  std::string text = kBase;
  text.replace(text.find("model: qwen1.5-moe-a2.7b"), 24,
               "model: {preset: qwen1.5-moe-a2.7b, layers: 12}");
  const Scenario s = load_scenario_text(text, "t.yaml", ".", {"hardware.memory_bandwidth=6TB/s"});
  CHECK(s.model.layers == 12);
  CHECK(s.model.hidden == 2048);  // from the preset
  CHECK(s.hardware.memory_bandwidth.value() == doctest::Approx(6e12));
  const Scenario t = load_scenario_text(kBase, "t.yaml", ".", {"model.layers=8"});
  CHECK(t.model.layers == 8);
}

TEST_CASE("a model described entirely inline") {
  const std::string text = R"(name: inline
model:
  name: tiny-moe
  layers: 4
  hidden: 1024
  heads: 8
  kv_heads: 8
  head_dim: 128
  attention: mha
  ffn_intermediate: 2048
  moe: {experts: 16, top_k: 2, expert_intermediate: 512}
  vocab: 32000
  weight_dtype: bf16
  kv_dtype: bf16
hardware: h100-sxm
cluster: {devices_per_node: 1}
workload:
  source: {name: closed_loop, concurrency: 4, requests: 8}
)";
  const Scenario s = load_scenario_text(text, "t.yaml", ".");
  CHECK(s.model.moe.experts == 16);
  CHECK(s.model.is_moe());
}

TEST_CASE("misspelt key: place, key path, suggestion") {
  std::string text = kBase;
  text += "serving:\n  kv_blok_size: 32\n";
  CHECK(errors_of(text) ==
        "t.yaml:8:3: error: serving.kv_blok_size: unknown key; did you mean 'kv_block_size'? "
        "(valid keys: scheduler, router, decode_router, dp_scheduling, dp_router, cost_model, routing, engine, kv_block_size, "
        "memory_utilization, max_model_len, reuse_preempted_kv, prefix_cache_blocks, prefix_block_tokens, "
        "prefix_cache_scope, prefix_pool_bandwidth, prefix_pool_latency)\n");
}

TEST_CASE("missing unit") {
  CHECK(errors_of(kBase, {"hardware.memory_bandwidth=3.35"}) ==
        "--set hardware.memory_bandwidth=3.35: error: hardware.memory_bandwidth: missing unit: "
        "expected a bandwidth such as '3.35TB/s' or '400Gb/s', got '3.35'\n");
}

TEST_CASE("unknown preset and unknown plug-in parameter") {
  std::string text = kBase;
  text.replace(text.find("h100-sxm"), 8, "h100-sx");
  const std::string e = errors_of(text);
  CHECK(e.rfind("t.yaml:3:11: error: hardware: unknown hardware preset 'h100-sx'; did you mean "
                "'h100-sxm'? (valid: a100, a800, ascend-910b,",
                0) == 0);
  const std::string p = errors_of(kBase, {"workload.source.rat=3/s"});
  CHECK(p.find("workload.source.rat: unknown parameter of request source 'poisson'; did you mean "
               "'rate'?") != std::string::npos);
}

TEST_CASE("all errors are reported at once") {
  const std::string e = errors_of(kBase, {"model.layers=0", "serving.kv_block_size=x",
                                          "deployment.tp=abc"});
  CHECK(std::count(e.begin(), e.end(), '\n') == 3);
}

TEST_CASE("impossible parallel layouts") {
  CHECK(errors_of(kBase, {"deployment.tp=3", "cluster.devices_per_node=4"}) ==
        "--set deployment.tp=3: error: deployment.tp: tp=3 does not divide the model's 16 "
        "attention heads\n");
  CHECK(errors_of(kBase, {"deployment.tp=2"}) ==
        "--set deployment.tp=2: error: deployment.tp: the deployment needs 2 devices (replicas 1 x "
        "tp 2 x dp 1) but the cluster has 1 (nodes 1 x devices_per_node 1)\n");
  CHECK(errors_of(kBase, {"deployment.ep=7", "cluster.devices_per_node=7", "deployment.dp=7"}) ==
        "--set deployment.ep=7: error: deployment.ep: ep=7 does not divide the model's 60 routed "
        "experts\n");
}

TEST_CASE("a model that does not fit") {
  CHECK(errors_of(kBase, {"model=qwen2-57b-a14b"}) ==
        "t.yaml:1:1: error: deployment.tp: model 'qwen2-57b-a14b' does not fit: weights 106.9 GiB "
        "+ KV for one max_model_len sequence 1.8 GiB per device exceed 67.1 GiB usable on "
        "'h100-sxm' (74.5 GiB x memory_utilization 0.90); use more devices (tp/ep) or a smaller "
        "weight dtype\n");
}

TEST_CASE("speculation needs a draft model for draft_model") {
  const std::string e =
      errors_of(kBase, {"speculative.method=draft_model", "speculative.gamma=3"});
  CHECK(e.find("speculative: method 'draft_model' needs a draft model: add 'draft: <preset>'") !=
        std::string::npos);
}

TEST_CASE("gamma 0 turns speculation off") {
  const Scenario s = load_scenario_text(kBase, "t.yaml", ".",
                                        {"speculative.method=ngram", "speculative.gamma=0"});
  CHECK_FALSE(s.speculative.enabled);
}

TEST_CASE("YAML syntax errors name the line") {
  const std::string e = errors_of("name: [unclosed\n");
  CHECK(e.rfind("t.yaml:", 0) == 0);
  CHECK(e.find("YAML syntax") != std::string::npos);
}

namespace {
std::string with_hardware(const std::string& hardware) {
  std::string text = kBase;
  text.replace(text.find("hardware: h100-sxm"), 18, "hardware: " + hardware);
  return text;
}
}  // namespace

TEST_CASE("communication efficiency: link_class by default, measured by profile name") {
  // YAML hardware prices collectives by link class unless it names another model.
  const Scenario d = load_scenario_text(kBase, "t.yaml", ".");
  CHECK(d.hardware.communication_efficiency.name == "link_class");
  CHECK(d.hardware.scale_up.figures.name == "nvlink");
  CHECK(d.hardware.scale_out.figures.name == "infiniband");
  const Scenario s = load_scenario_text(
      with_hardware("{preset: h200, communication_efficiency: {name: measured, profile: "
                    "nvidia-h200-x2}}"),
      "t.yaml", ".");
  CHECK(s.hardware.communication_efficiency.name == "measured");
  const std::string& p = s.hardware.communication_efficiency.params.text("profile");
  CHECK(p.find("models/profiles/nvidia-h200-x2") != std::string::npos);
  CHECK(s.hardware.communication_efficiency.params.number("overhead_scale") == 1.0);
  const Scenario c = load_scenario_text(
      with_hardware("{preset: h200, communication_efficiency: {name: curve, sizes: [1024, 1e9], "
                    "efficiencies: [0.1, 0.8], overhead_all_reduce: 20us}}"),
      "t.yaml", ".");
  CHECK(c.hardware.communication_efficiency.params.number("overhead_all_reduce") ==
        doctest::Approx(20e-6));
}

TEST_CASE("communication efficiency: bad choices are reported at their place") {
  CHECK(errors_of(with_hardware("{preset: h200, communication_efficiency: flat}")) ==
        "t.yaml:3:52: error: hardware.communication_efficiency: unknown communication efficiency "
        "'flat'; (valid: constant, curve, link_class, measured)\n");
  CHECK(errors_of(with_hardware(
            "{preset: h200, communication_efficiency: {name: measured, profile: h300-x9}}")) ==
        "t.yaml:3:78: error: hardware.communication_efficiency.profile: no collective table "
        "'h300-x9' (a collective.csv, a folder holding one, or a folder of models/profiles/)\n");
  CHECK(errors_of(with_hardware("{preset: h200, communication_efficiency: {name: curve, sizes: "
                                "[2048, 1024], efficiencies: [0.5, 0.6]}}")) ==
        "t.yaml:3:52: error: hardware.communication_efficiency: communication efficiency curve: "
        "sizes must be strictly increasing\n");
  CHECK(errors_of(with_hardware("{preset: h200, communication_efficiency: {name: measured, "
                                "profile: nvidia-h200-x2, overhead_scale: 2}}"))
            .find("hardware.communication_efficiency.overhead_scale") != std::string::npos);
}
