// Every way the scenario loader rejects input, each with its exact message, place and key path
// (the cases test_loader.cpp does not already pin down).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "scenarios/loader.hpp"
#include "tests/scenarios/scenario_test_util.hpp"

using namespace moesim;
using moesim::test::errors_of;
using moesim::test::kBase;

namespace {

std::string with(const std::string& extra) { return kBase + extra; }

}  // namespace

TEST_CASE("scenario: a document that is not a map, and YAML syntax with its line and column") {
  CHECK(errors_of("- a\n- b\n") ==
        "t.yaml: error: a scenario must be a map of sections (model, hardware, ...)\n");
  CHECK(errors_of("name: [unclosed\n") ==
        "t.yaml:2:1: error: YAML syntax: end of sequence flow not found\n");
}

TEST_CASE("scenario: a section that is not a map, a missing key, a list for a value") {
  CHECK(errors_of(with("serving: 3\n")) == "t.yaml:7:10: error: serving: expected a map of keys\n");
  std::string no_name = kBase;
  no_name.erase(0, no_name.find('\n') + 1);
  CHECK(errors_of(no_name) == "t.yaml:1:1: error: missing required key 'name'\n");
  CHECK(errors_of(kBase, {"name=[a, b]"}) ==
        "--set name=[a, b]: error: name: expected a single value\n");
  std::string no_workload = kBase;
  no_workload.erase(no_workload.find("workload:"));
  CHECK(errors_of(no_workload) == "t.yaml:1:1: error: missing required key 'workload'\n");
  std::string no_hardware = kBase;
  no_hardware.erase(no_hardware.find("hardware:"), std::string("hardware: h100-sxm\n").size());
  CHECK(errors_of(no_hardware) == "t.yaml:1:1: error: missing required key 'hardware'\n");
}

TEST_CASE("scenario: integers, numbers and booleans out of range or malformed") {
  CHECK(errors_of(kBase, {"serving.kv_block_size=x"}) ==
        "--set serving.kv_block_size=x: error: serving.kv_block_size: expected an integer, got "
        "'x'\n");
  CHECK(errors_of(kBase, {"serving.kv_block_size=0"}) ==
        "--set serving.kv_block_size=0: error: serving.kv_block_size: value 0 out of range [1, "
        "65536]\n");
  CHECK(errors_of(kBase, {"seed=-1"}) ==
        "--set seed=-1: error: seed: value -1 out of range [0, 4611686018427387904]\n");
  CHECK(errors_of(kBase, {"seed=99999999999999999999"}) ==
        "--set seed=99999999999999999999: error: seed: expected an integer, got "
        "'99999999999999999999'\n");
  CHECK(errors_of(kBase, {"serving.memory_utilization=1.5"}) ==
        "--set serving.memory_utilization=1.5: error: serving.memory_utilization: value 1.5 out "
        "of range [0.05, 1]\n");
  CHECK(errors_of(kBase, {"serving.memory_utilization=nan"}) ==
        "--set serving.memory_utilization=nan: error: serving.memory_utilization: expected a "
        "number, got 'nan'\n");
  CHECK(errors_of(kBase, {"output.requests_csv=yes"}) ==
        "--set output.requests_csv=yes: error: output.requests_csv: expected true or false, got "
        "'yes'\n");
}

TEST_CASE("scenario: a choice, a dtype and a quantity below its minimum") {
  CHECK(errors_of(kBase, {"model.attention=mhaa"}) ==
        "--set model.attention=mhaa: error: model.attention: 'mhaa' is not valid; did you mean "
        "'mha'? (valid: mha, gqa, mla)\n");
  CHECK(errors_of(kBase, {"deployment.dispatch_dtype=fp9"}) ==
        "--set deployment.dispatch_dtype=fp9: error: deployment.dispatch_dtype: 'fp9' is not "
        "valid; did you mean 'fp8'? (valid: fp32, bf16, fp16, fp8, int8, int4)\n");
  CHECK(errors_of(kBase, {"hardware.memory_capacity=0GiB"}) ==
        "--set hardware.memory_capacity=0GiB: error: hardware.memory_capacity: value '0GiB' must "
        "be at least 1 B\n");
  CHECK(errors_of(kBase, {"slo.ttft=1parsec"}) ==
        "--set slo.ttft=1parsec: error: slo.ttft: unknown unit 'parsec' for a time; valid units: "
        "ns, us, ms, s, min, h\n");
  CHECK(errors_of(kBase, {"slo.tpot=fast"}) ==
        "--set slo.tpot=fast: error: slo.tpot: expected a time such as '2us' or '1.5ms', got "
        "'fast'\n");
}

TEST_CASE("scenario: plug-in choices and their parameters") {
  CHECK(errors_of(kBase, {"serving.scheduler=[vllm]"}) ==
        "--set serving.scheduler=[vllm]: error: serving.scheduler: expected a scheduler name, or "
        "a map with 'name' and its parameters\n");
  CHECK(errors_of(kBase, {"serving.scheduler=vlm"}) ==
        "--set serving.scheduler=vlm: error: serving.scheduler: unknown scheduler 'vlm'; did you "
        "mean 'vllm'? (valid: decode_priority, static, vllm)\n");
  CHECK(errors_of(kBase, {"workload.source.rate=fast"}) ==
        "--set workload.source.rate=fast: error: workload.source.rate: expected a rate such as "
        "'10/s', got 'fast'\n");
  CHECK(errors_of(kBase, {"workload.source.rate=[1, 2]"}) ==
        "--set workload.source.rate=[1, 2]: error: workload.source.rate: expected rate\n");
  CHECK(errors_of(kBase, {"workload.source.requests=0"}) ==
        "--set workload.source.requests=0: error: workload.source.requests: value out of range "
        "[1, 1099511627776]\n");
  CHECK(errors_of(kBase, {"workload.source={name: poisson}"}) ==
        "--set workload.source={name: poisson}: error: workload.source.rate: required parameter "
        "is missing (mean arrival rate ('10/s'))\n");
  CHECK(errors_of(kBase, {"serving.routing={name: measured, frequencies: [1, x]}"}) ==
        "--set serving.routing={name: measured, frequencies: [1, x]}: error: "
        "serving.routing.frequencies: expected a list of numbers, got 'x'\n");
}

TEST_CASE("scenario: plug-in parameters of the wrong type or out of range") {
  CHECK(errors_of(kBase, {"serving.scheduler={name: vllm, chunked_prefill: yes}"}) ==
        "--set serving.scheduler={name: vllm, chunked_prefill: yes}: error: "
        "serving.scheduler.chunked_prefill: expected true or false, got 'yes'\n");
  CHECK(errors_of(kBase, {"serving.scheduler={name: vllm, max_num_seqs: many}"}) ==
        "--set serving.scheduler={name: vllm, max_num_seqs: many}: error: "
        "serving.scheduler.max_num_seqs: expected an integer, got 'many'\n");
  CHECK(errors_of(kBase, {"serving.routing={name: measured, frequencies: [1, -1]}"}) ==
        "--set serving.routing={name: measured, frequencies: [1, -1]}: error: "
        "serving.routing.frequencies: every element must lie in [0, 1e+18]\n");
}

TEST_CASE("scenario: inconsistent model fields") {
  CHECK(errors_of(kBase, {"model.moe.top_k=61"}) ==
        "--set model.moe.top_k=61: error: model.moe.top_k: top_k exceeds the number of experts\n");
  CHECK(errors_of(kBase, {"model.moe.first_dense_layers=24"}) ==
        "--set model.moe.first_dense_layers=24: error: model.moe.first_dense_layers: leaves no "
        "MoE layer\n");
  CHECK(errors_of(kBase, {"model.moe.groups=7"}) ==
        "--set model.moe.groups=7: error: model.moe.groups: groups must divide both experts and "
        "top_k\n");
  CHECK(errors_of(kBase, {"model.moe.shared_expert_intermediate=0"}) ==
        "--set model.moe.shared_expert_intermediate=0: error: "
        "model.moe.shared_expert_intermediate: required when shared_experts > 0\n");
  CHECK(errors_of(kBase, {"model.kv_heads=3"}) ==
        "--set model.kv_heads=3: error: model.kv_heads: heads must be a multiple of kv_heads\n");
}

TEST_CASE("scenario: model and hardware sections of the wrong shape") {
  CHECK(errors_of(kBase, {"model=[a]"}) ==
        "--set model=[a]: error: model: expected a model preset name or a map describing one\n");
  CHECK(errors_of(kBase, {"hardware={preset: [h100-sxm]}"}) ==
        "--set hardware={preset: [h100-sxm]}: error: hardware: 'preset' must be a hardware preset "
        "name\n");
}

TEST_CASE("scenario: deployment pools written wrongly") {
  CHECK(errors_of(with("deployment:\n  tp: 1\n  pools: [{role: colocated}]\n")) ==
        "t.yaml:8:7: error: deployment.tp: set it inside each entry of 'pools', not beside it\n");
  CHECK(errors_of(with("deployment: {pools: 3}\n")) ==
        "t.yaml:7:21: error: deployment.pools: expected a list of pools, e.g. [{role: prefill, tp: "
        "8}, {role: decode, tp: 8}]\n");
  CHECK(errors_of(with("deployment: {pools: [{tp: 1}]}\n")) ==
        "t.yaml:7:22: error: deployment.pools[0]: missing required key 'role'\n");
}

TEST_CASE("scenario: cross-checks of a dense model, pools and a draft model") {
  CHECK(errors_of(kBase, {"model=llama-3-8b", "deployment.ep=1", "cluster.devices_per_node=2",
                          "deployment.tp=2", "deployment.ep=2"}) ==
        "--set deployment.ep=2: error: deployment.ep: ep must be 1 for the dense model "
        "'llama-3-8b'\n");
  CHECK(errors_of(kBase, {"cluster.devices_per_node=4", "deployment.tp=2", "deployment.ep=4"}) ==
        "--set deployment.ep=4: error: deployment.ep: ep=4 does not divide the instance's 2 "
        "devices (tp x dp)\n");
  CHECK(errors_of(with("deployment: {pools: [{role: prefill}, {role: colocated}]}\n"),
                  {"cluster.devices_per_node=2"}) ==
        "t.yaml:7:21: error: deployment.pools: a disaggregated deployment needs at least one "
        "prefill and one decode pool, and no colocated pool\n");
  CHECK(errors_of(kBase, {"cluster.devices_per_node=4", "deployment.tp=4",
                          "speculative={method: draft_model, gamma: 2, draft: qwen2-0.5b}"}) ==
        "--set deployment.tp=4: error: deployment.tp: tp=4 does not divide the draft model's 14 "
        "attention heads\n");
}

TEST_CASE("scenario: --set written wrongly") {
  CHECK(errors_of(kBase, {"serving.kv_block_size"}) ==
        "--set serving.kv_block_size: error: expected path=value, e.g. --set "
        "serving.kv_block_size=32\n");
  CHECK(errors_of(kBase, {"=3"}) ==
        "--set =3: error: expected path=value, e.g. --set serving.kv_block_size=32\n");
  CHECK(errors_of(kBase, {"serving.kv_block_size=[1"}) ==
        "--set serving.kv_block_size=[1: error: serving.kv_block_size: value is not valid YAML: "
        "end of sequence flow not found\n");
  CHECK(errors_of(kBase, {"deployment.pools=[{role: colocated}]", "deployment.pools.tp=2"}) ==
        "--set deployment.pools.tp=2: error: deployment.pools: cannot set a key inside a list\n");
}

// Regression: a key that is not a plain word (a list, a map, '~') made yaml-cpp throw
// TypedBadConversion out of the loader (exit status 1, "internal error").
TEST_CASE("scenario: a key that is a list or null is an unknown key, not a crash") {
  CHECK(errors_of(with("? [a, b]\n: 1\n")) ==
        "t.yaml:7:3: error: [a, b]: unknown key; (valid keys: name, seed, model, hardware, "
        "cluster, deployment, serving, speculative, workload, slo, cost, output)\n");
  CHECK(errors_of(with("serving: {~: 1}\n")) ==
        "t.yaml:7:11: error: serving.~: unknown key; (valid keys: scheduler, router, "
        "decode_router, dp_scheduling, dp_router, cost_model, routing, engine, kv_block_size, memory_utilization, "
        "max_model_len, reuse_preempted_kv, prefix_cache_blocks, prefix_block_tokens, prefix_cache_scope, prefix_pool_bandwidth, "
        "prefix_pool_latency)\n");
  CHECK(errors_of(kBase, {"serving.scheduler={name: vllm, [x]: 1}"}) ==
        "--set serving.scheduler={name: vllm, [x]: 1}: error: serving.scheduler.[x]: unknown "
        "parameter of scheduler 'vllm'; (valid keys: name, max_num_seqs, "
        "max_num_batched_tokens, chunked_prefill, reserve_full_prompt, admit_after_preemption)\n");
}

// Regression: nodes x devices_per_node and replicas x tp x dp were multiplied in int, so a
// large enough layout wrapped around and passed the device-count check.
TEST_CASE("scenario: device counts beyond int are reported, not wrapped") {
  CHECK(errors_of(kBase, {"cluster.nodes=65536", "cluster.devices_per_node=65536"}) ==
        "--set cluster.nodes=65536: error: cluster.nodes: the cluster has 4294967296 devices "
        "(nodes 65536 x devices_per_node 65536); at most 1048576 are supported\n");
  CHECK(errors_of(kBase, {"deployment.replicas=1048576", "deployment.dp=65536",
                          "deployment.tp=16"}) ==
        "--set deployment.tp=16: error: deployment.tp: the deployment needs 1099511627776 devices "
        "(replicas 1048576 x tp 16 x dp 65536) but the cluster has 1 (nodes 1 x "
        "devices_per_node 1)\n");
}

TEST_CASE("scenario: --set paths with empty keys, and keys a --set created") {
  CHECK(errors_of(kBase, {"model..layers=3"}) ==
        "--set model..layers=3: error: empty key in the path 'model..layers' (a dot at an end or "
        "two dots in a row)\n");
  CHECK(errors_of(kBase, {"serving.=3"}) ==
        "--set serving.=3: error: empty key in the path 'serving.' (a dot at an end or two dots "
        "in a row)\n");
  // The unknown section 'sevring' exists only because of the --set: the message names it.
  CHECK(errors_of(kBase, {"sevring.kv_block_size=16"}) ==
        "--set sevring.kv_block_size=16: error: sevring: unknown key; did you mean 'serving'? "
        "(valid keys: name, seed, model, hardware, cluster, deployment, serving, speculative, "
        "workload, slo, cost, output)\n");
}

TEST_CASE("scenario: a plug-in map without 'name' is reported, not an internal error") {
  // Found by fuzz_scenario (fuzz/README.md): the const lookup of a missing 'name' threw
  // yaml-cpp's InvalidNode, which escaped as "internal error" with exit status 1.
  CHECK(errors_of("name: t\nmodel: qwen1.5-moe-a2.7b\nhardware: h100-sxm\n"
                  "workload:\n  source: {rate: 2/s}\n") ==
        "t.yaml:5:11: error: workload.source: expected a request source name, or a map with "
        "'name' and its parameters\n");
}

TEST_CASE("scenario: cost model 'kernel' on hardware without its figures names the preset file") {
  CHECK(errors_of("name: t\nmodel: qwen1.5-moe-a2.7b\n"
                  "hardware: {preset: h100-sxm, architecture: \"\"}\n"
                  "cluster: {nodes: 1, devices_per_node: 1}\nserving: {cost_model: kernel}\n"
                  "workload:\n  source: {name: poisson, rate: 2/s, requests: 10}\n") ==
        "t.yaml:5:23: error: serving.cost_model: cost model 'kernel' needs hardware key "
        "'architecture', which hardware 'h100-sxm' (models/catalog/hardware/h100-sxm.yaml) "
        "lacks\n");
  CHECK(errors_of("name: t\nmodel: qwen1.5-moe-a2.7b\nhardware: h100-sxm\n"
                  "cluster: {nodes: 1, devices_per_node: 1}\nserving: {cost_model: kernel}\n"
                  "workload:\n  source: {name: poisson, rate: 2/s, requests: 10}\n") == "");
}

// Regression (reliability issue, item 3): strtoll saturates at 2^63 - 1 without a word, so
// 'requests: 99999999999999999999' validated as 9223372036854775807 (and the run wrote gigabytes)
// and 'max_num_seqs' said "out of range" for what is not an int64 at all. Plug-in integers now
// check errno as the scenario's own integer fields do; request counts stop at 2^40.
TEST_CASE("scenario: plug-in integers beyond int64 are not integers, not saturated") {
  CHECK(errors_of(kBase, {"workload.source.requests=99999999999999999999"}) ==
        "--set workload.source.requests=99999999999999999999: error: workload.source.requests: "
        "expected an integer, got '99999999999999999999'\n");
  CHECK(errors_of(kBase, {"serving.scheduler={name: vllm, max_num_seqs: 99999999999999999999}"}) ==
        "--set serving.scheduler={name: vllm, max_num_seqs: 99999999999999999999}: error: "
        "serving.scheduler.max_num_seqs: expected an integer, got '99999999999999999999'\n");
  CHECK(errors_of(kBase, {"workload.source.requests=-99999999999999999999"}) ==
        "--set workload.source.requests=-99999999999999999999: error: workload.source.requests: "
        "expected an integer, got '-99999999999999999999'\n");
  CHECK(errors_of(kBase, {"workload.source.requests=9223372036854775807"}) ==
        "--set workload.source.requests=9223372036854775807: error: workload.source.requests: "
        "value out of range [1, 1099511627776]\n");
  CHECK(errors_of(kBase, {"serving.scheduler={name: vllm, max_num_seqs: 2000000}"}) ==
        "--set serving.scheduler={name: vllm, max_num_seqs: 2000000}: error: "
        "serving.scheduler.max_num_seqs: value out of range [1, 1048576]\n");
  CHECK(errors_of(kBase, {"serving.routing={name: skewed, exponent: 1e999}"}) ==
        "--set serving.routing={name: skewed, exponent: 1e999}: error: "
        "serving.routing.exponent: expected a number, got '1e999'\n");
  CHECK(errors_of(kBase, {"workload.source.requests=1099511627776"}).empty());
}

// Regression (reliability issue, item 5): yaml-cpp 0.7 keeps duplicate keys (a lookup finds the
// first), gives an empty value as null (a lookup cannot tell it from an absent key, so the
// default was taken), ignores a second document, and runs an unterminated quote to the end of
// the file (reported as three missing keys). Each is an error at its line and column.
TEST_CASE("scenario: duplicate keys, empty values, a second document, an unterminated quote") {
  CHECK(errors_of("name: a\nname: b\n" + std::string(kBase).substr(8)) ==
        "t.yaml:2:1: error: name: duplicate key (first at line 1); write each key once\n");
  CHECK(errors_of(with("serving: {kv_block_size: 16, router: round_robin, kv_block_size: 32}\n")) ==
        "t.yaml:7:51: error: serving.kv_block_size: duplicate key (first at line 7); write each "
        "key once\n");
  CHECK(errors_of(with("seed:\n")) ==
        "t.yaml:7:1: error: seed: empty value; write a value, or leave the key out for its "
        "default\n");
  CHECK(errors_of(with("serving:\n  kv_block_size: ~\n")) ==
        "t.yaml:8:3: error: serving.kv_block_size: empty value; write a value, or leave the key "
        "out for its default\n");
  CHECK(errors_of(kBase, {"seed="}) ==
        "--set seed=: error: seed: empty value; write a value, or leave the --set out for the "
        "default\n");
  CHECK(errors_of(with("---\nseed: 3\n")) ==
        "t.yaml:8:1: error: a second YAML document (after '---'): a file holds one document; "
        "remove the '---' or split the file\n");
  CHECK(errors_of("---\n" + std::string(kBase) + "...\n").empty());  // markers of one document
  CHECK(errors_of("name: \"t\n" + std::string(kBase).substr(8)) ==
        "t.yaml:1:7: error: name: unterminated quoted string: the \" opened here is never "
        "closed\n");
  CHECK(errors_of(with("slo:\n  ttft: '2s\n")) ==
        "t.yaml:8:9: error: slo.ttft: unterminated quoted string: the ' opened here is never "
        "closed\n");
  CHECK(errors_of(with("slo: {ttft: 'it''s'}\n")) ==
        "t.yaml:7:13: error: slo.ttft: expected a time such as '2us' or '1.5ms', got 'it's'\n");
  CHECK(errors_of(kBase, {"name=\"t"}) ==
        "--set name=\"t: error: name: value is not valid YAML: illegal EOF in scalar\n");
}

// Regression (fuzz_scenario): yaml-cpp 0.7's LoadAll, used to find a second document, looped
// forever on this input; the second document is now found in the text.
TEST_CASE("scenario: malformed YAML that hung the second-document check ends with an error") {
  const auto e = errors_of("- just\n, a list\n");
  CHECK(e.find("error:") != std::string::npos);
  CHECK(errors_of(with("--- {seed: 3}\n")).find("a second YAML document") != std::string::npos);
}
