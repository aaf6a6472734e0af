// Precision keys of a scenario: presets' defaults, `model.precision` and the older
// `weight_dtype` / `kv_dtype`, per-pool EP payload formats, errors, and the resolved file.
#include <doctest/doctest.h>

#include "scenarios/loader.hpp"
#include "scenarios/resolved.hpp"
#include "scenarios/simulation_factory.hpp"
#include "tests/scenarios/scenario_test_util.hpp"

using namespace moesim;
using moesim::test::errors_of;
using moesim::test::kBase;

namespace {

Precision precision_of(const std::string& text, const std::vector<std::string>& sets = {}) {
  return load_scenario_text(text, "t.yaml", ".", sets).model.precision;
}

std::string on(const char* model) {
  std::string text = kBase;
  const std::string from = "model: qwen1.5-moe-a2.7b";
  text.replace(text.find(from), from.size(), std::string("model: ") + model);
  return text;
}

// DeepSeek-V3 spread thin enough to fit: 64 H100s, attention DP 64, EP 64.
std::vector<std::string> deepseek_sets(std::vector<std::string> more = {}) {
  std::vector<std::string> sets{"cluster.nodes=8", "cluster.devices_per_node=8", "deployment.dp=64",
                                "deployment.ep=64"};
  sets.insert(sets.end(), more.begin(), more.end());
  return sets;
}

}  // namespace

TEST_CASE("precision: preset defaults follow weight_dtype and kv_dtype") {
  // qwen1.5-moe-a2.7b: bf16 weights and KV, so every tensor is bf16.
  CHECK(precision_of(kBase) == Precision{});
  // deepseek-v3: weight_dtype fp8 = W8A8 fp8 GEMMs; embeddings and LM head, attention and KV
  // stay bf16.
  const Precision ds = precision_of(on("deepseek-v3"), deepseek_sets());
  CHECK(ds.weights == DType::kFp8);
  CHECK(ds.activations == DType::kFp8);
  CHECK(ds.embeddings == DType::kBf16);
  CHECK(ds.kv_cache == DType::kBf16);
  CHECK(ds.attention == DType::kBf16);
  CHECK(ds.dispatch == DType::kBf16);
}

TEST_CASE("precision: --set keys, schemes and the older spellings") {
  // An int8 KV cache: attention still computes in bf16; the weights do not move.
  const Precision kv = precision_of(kBase, {"model.precision.kv_cache=int8"});
  CHECK(kv.kv_cache == DType::kInt8);
  CHECK(kv.attention == DType::kBf16);
  CHECK(kv.weights == DType::kBf16);
  // A scheme sets weights and activations; fields written beside it win.
  const Precision w4 = precision_of(kBase, {"model.precision.scheme=w4a16"});
  CHECK(w4.weights == DType::kInt4);
  CHECK(w4.activations == DType::kBf16);
  CHECK(w4.embeddings == DType::kBf16);
  const Precision mixed =
      precision_of(kBase, {"model.precision={scheme: fp8, weights: int4, kv_cache: fp8}"});
  CHECK(mixed.weights == DType::kInt4);
  CHECK(mixed.activations == DType::kFp8);
  CHECK(mixed.kv_cache == DType::kFp8);
  // weight_dtype over a preset re-derives the activations (CloudMatrix's W8A8 int8 DeepSeek-V3)
  // unless the same layer writes them.
  const Precision i8 = precision_of(on("deepseek-v3"), deepseek_sets({"model.weight_dtype=int8"}));
  CHECK(i8.weights == DType::kInt8);
  CHECK(i8.activations == DType::kInt8);
  const Precision w8a16 =
      precision_of(on("deepseek-v3"), deepseek_sets({"model.precision.activations=bf16"}));
  CHECK(w8a16.weights == DType::kFp8);
  CHECK(w8a16.activations == DType::kBf16);
}

TEST_CASE("precision: pools set their EP payload formats over the model's") {
  const std::string pools = kBase + std::string(R"(deployment:
  pools:
    - {role: prefill, dispatch_dtype: fp8}
    - {role: decode, combine_dtype: int8}
)");
  const Scenario s = load_scenario_text(
      pools, "t.yaml", ".", {"cluster.devices_per_node=2", "model.precision.dispatch=int8"});
  CHECK(s.model.precision.dispatch == DType::kInt8);
  const ModelArch prefill = pool_model(s, s.deployment.pools[0]);
  const ModelArch decode = pool_model(s, s.deployment.pools[1]);
  CHECK(prefill.precision.dispatch == DType::kFp8);
  CHECK(prefill.precision.combine == DType::kBf16);
  CHECK(decode.precision.dispatch == DType::kInt8);
  CHECK(decode.precision.combine == DType::kInt8);
}

TEST_CASE("precision: bad names, misspelt keys and two spellings of one key") {
  CHECK(errors_of(kBase, {"model.precision.kv_cache=int9"}) ==
        "--set model.precision.kv_cache=int9: error: model.precision.kv_cache: 'int9' is not "
        "valid; did you mean 'int8'? (valid: fp32, bf16, fp16, fp8, int8, int4)\n");
  CHECK(errors_of(kBase, {"model.precision.scheme=w4a17"}) ==
        "--set model.precision.scheme=w4a17: error: model.precision.scheme: 'w4a17' is not "
        "valid; did you mean 'w4a16'? (valid: bf16, fp16, fp8, w8a8, w8a16, w4a16)\n");
  CHECK(errors_of(kBase, {"model.precision.kv_cach=int8"}) ==
        "--set model.precision.kv_cach=int8: error: model.precision.kv_cach: unknown key; did "
        "you mean 'kv_cache'? (valid keys: scheme, weights, activations, embeddings, kv_cache, "
        "attention, dispatch, combine)\n");
  CHECK(errors_of(kBase, {"deployment.combine_dtype=bf15"}) ==
        "--set deployment.combine_dtype=bf15: error: deployment.combine_dtype: 'bf15' is not "
        "valid; did you mean 'bf16'? (valid: fp32, bf16, fp16, fp8, int8, int4)\n");
  std::string both = kBase;
  both.replace(
      both.find("model: qwen1.5-moe-a2.7b"), std::string("model: qwen1.5-moe-a2.7b").size(),
      "model: {preset: qwen1.5-moe-a2.7b, weight_dtype: int8, precision: {weights: int4}}");
  CHECK(errors_of(both) ==
        "t.yaml:2:77: error: model.precision.weights: conflicts with model.weight_dtype; write "
        "one of them (weight_dtype is the older spelling of precision.weights)\n");
}

TEST_CASE("precision: the resolved scenario writes every format and loads back the same") {
  const Scenario s = load_scenario_text(
      kBase, "t.yaml", ".",
      {"model.precision={scheme: w8a8, kv_cache: fp8}", "deployment.dispatch_dtype=fp8"});
  const std::string text = resolved_yaml(s);
  CHECK(text.find("precision:\n    weights: int8\n    activations: int8\n    embeddings: bf16\n"
                  "    kv_cache: fp8\n    attention: bf16\n    dispatch: bf16\n"
                  "    combine: bf16\n") != std::string::npos);
  CHECK(text.find("dispatch_dtype: fp8") != std::string::npos);
  CHECK(text.find("combine_dtype") == std::string::npos);
  const Scenario again = load_scenario_text(text, "resolved.yaml", ".");
  CHECK(again.model.precision == s.model.precision);
  CHECK(resolved_yaml(again) == text);
}
