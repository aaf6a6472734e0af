// The moesim binary: exit statuses, messages, and the step-cost shapes `moesim cost` shows.
#include <doctest/doctest.h>

#include <map>
#include <regex>

#include "tests/test_support.hpp"

using namespace moesim::test;

namespace {

// Target efficiency T(B,1)/T(B,5) from `moesim cost --json` (gamma 4, context 1024, tp 2).
double efficiency(const std::string& model, int batch) {
  const auto r = run_moesim("cost --model " + model +
                            " --hardware h100-sxm --tp 2 --batch " + std::to_string(batch) +
                            " --q 1 --context 1024 --gamma 4 --alpha 0.8 --draft qwen2-0.5b --json");
  REQUIRE(r.status == 0);
  std::smatch m;
  REQUIRE(std::regex_search(r.output, m, std::regex("\"target_efficiency\": ([0-9.eE+-]+)")));
  return std::stod(m[1]);
}

}  // namespace

TEST_CASE("usage errors exit 2 with a suggestion") {
  auto r = run_moesim("rnu");
  CHECK(r.status == 2);
  CHECK(r.output.find("unknown command 'rnu'; did you mean 'run'?") != std::string::npos);
  r = run_moesim("cost --model llama-3-8b --hardware h100-sxm --batchh 3");
  CHECK(r.status == 2);
  CHECK(r.output.find("unknown option '--batchh'; did you mean '--batch'?") != std::string::npos);
  r = run_moesim("cost --model llama-3-9b --hardware h100-sxm");
  CHECK(r.status == 2);
  CHECK(r.output.find("unknown model preset 'llama-3-9b'; did you mean 'llama-3-8b'?") !=
        std::string::npos);
}

TEST_CASE("validate: every error of a file at once, exit 2") {
  const std::string dir = temp_dir("validate");
  write_text(dir + "/bad.yaml", R"(name: bad
model:
  preset: qwen1.5-moe-a2.7b
  hiden: 4096
hardware:
  preset: h100-sxm
  memory_bandwidth: 3.35
workload:
  source: {name: poisson, rate: 2/s, requests: 10}
)");
  const auto r = run_moesim("validate " + dir + "/bad.yaml");
  CHECK(r.status == 2);
  CHECK(r.output ==
        dir + "/bad.yaml:4:3: error: model.hiden: unknown key; did you mean 'hidden'? (valid keys: "
              "preset, name, description, layers, hidden, heads, kv_heads, head_dim, attention, "
              "mla, ffn_intermediate, ffn_gated, moe, vocab, tie_embeddings, weight_dtype, "
              "kv_dtype, precision, mtp_layers)\n" +
            dir + "/bad.yaml:7:21: error: hardware.memory_bandwidth: missing unit: expected a "
                  "bandwidth such as '3.35TB/s' or '400Gb/s', got '3.35'\n2 error(s)\n");
  const auto missing = run_moesim("validate " + dir + "/absent.yaml");
  CHECK(missing.status == 2);
  CHECK(missing.output == dir + "/absent.yaml: error: cannot open scenario file\n1 error(s)\n");
}

TEST_CASE("validate accepts every shipped scenario") {
  const auto r = run_moesim(std::string("validate ") + MOESIM_SOURCE_DIR + "/scenarios/quickstart.yaml");
  CHECK(r.status == 0);
}

TEST_CASE("cost --json lists operators with stable names") {
  const auto r = run_moesim("cost --model qwen2-57b-a14b --hardware h100-sxm --tp 2 --batch 8 --q 1 "
                            "--context 1024 --json");
  REQUIRE(r.status == 0);
  for (const char* key : {"\"step_time_s\"", "\"per_layer_time_s\"", "\"layers\": 28",
                          "\"activated_experts\"", "\"name\": \"routed_experts\"",
                          "\"name\": \"shared_experts\"", "\"scope\": \"per_layer\"",
                          "\"scope\": \"per_step\"", "\"bound\": \"memory\""}) {
    CHECK_MESSAGE(r.output.find(key) != std::string::npos, key);
  }
}

TEST_CASE("cost prints the dtype of every operator") {
  // DeepSeek-V3's FP8 weights: W8A8 fp8 GEMMs; attention, router, norms and LM head are not fp8.
  auto r = run_moesim("cost --model deepseek-v3 --hardware h800 --batch 4 --context 1024 --json");
  REQUIRE(r.status == 0);
  const auto dtype_of = [](const std::string& out, const std::string& op) {
    std::smatch m;
    const std::regex re("\"name\": \"" + op + "\",\\s*\"dtype\": \"([a-z0-9]+)\"");
    return std::regex_search(out, m, re) ? m[1].str() : std::string("?");
  };
  CHECK(dtype_of(r.output, "attn_q_proj") == "fp8");
  CHECK(dtype_of(r.output, "routed_experts") == "fp8");
  CHECK(dtype_of(r.output, "attn_core") == "bf16");
  CHECK(dtype_of(r.output, "moe_router") == "bf16");
  CHECK(dtype_of(r.output, "lm_head") == "bf16");
  CHECK(dtype_of(r.output, "norms_residual") == "bf16");
  CHECK(dtype_of(r.output, "sampling") == "fp32");
  // --precision as model.precision: 16-bit activations turn the GEMMs to bf16 arithmetic.
  r = run_moesim("cost --model deepseek-v3 --hardware h800 --precision activations=bf16,"
                 "kv_cache=fp8 --json");
  REQUIRE(r.status == 0);
  CHECK(dtype_of(r.output, "routed_experts") == "bf16");
  CHECK(r.output.find("\"kv_cache\": \"fp8\"") != std::string::npos);
  // Text: a dtype column, and fp8 on a device without an fp8 peak is marked.
  r = run_moesim("cost --model deepseek-v3 --hardware ascend-910b --batch 4");
  REQUIRE(r.status == 0);
  CHECK(r.output.find("precision: weights fp8, activations fp8, embeddings bf16, kv_cache bf16, "
                      "attention bf16, dispatch bf16, combine bf16\n") != std::string::npos);
  CHECK(std::regex_search(r.output, std::regex("\nrouted_experts +fp8\\* ")));
  CHECK(std::regex_search(r.output, std::regex("\nattn_core +bf16 ")));
  CHECK(r.output.find("* ascend-910b has no peak for this dtype: priced at its bf16 peak\n") !=
        std::string::npos);
}

// MoESD (arXiv 2505.19645): for a sparse MoE, verifying gamma+1 tokens is expensive at batch 1
// (new experts are loaded), nearly free at medium batch (all experts already loaded, expert GEMMs
// memory-bound) and expensive again at large batch (compute-bound). A dense model is most
// efficient at batch 1 and falls below the MoE at medium batch. Here from the cost model alone.
TEST_CASE("MoESD shape of target efficiency from the cost model") {
  std::map<int, double> moe, dense;
  for (int b : {1, 4, 16, 32, 64, 256}) {
    moe[b] = efficiency("qwen2-57b-a14b", b);
    dense[b] = efficiency("llama-3-8b", b);
  }
  CHECK(moe[1] < 0.6);              // low at batch 1
  CHECK(moe[32] > 0.9);             // near 1 at medium batch
  CHECK(moe[32] > moe[1] + 0.3);    // rises
  CHECK(moe[256] < moe[32] - 0.2);  // falls again at large batch
  for (int b : {4, 16, 32, 64, 256}) CHECK(dense[1] >= dense[b]);  // dense: highest at batch 1
  CHECK(dense[1] > 0.95);
  CHECK(dense[32] < moe[32]);  // below the MoE at medium batch
  CHECK(dense[64] < moe[64]);
}

TEST_CASE("describe lists presets and plug-ins") {
  auto r = run_moesim("describe models");
  CHECK(r.status == 0);
  CHECK(r.output.find("pangu-pro-moe-72b") != std::string::npos);
  r = run_moesim("describe hardware");
  CHECK(r.output.find("ascend-910c") != std::string::npos);
  r = run_moesim("describe plugins");
  CHECK(r.output.find("max_num_batched_tokens") != std::string::npos);
  CHECK(r.output.find("union_factor") != std::string::npos);
}

TEST_CASE("calibrate, fidelity and the profiled cost model from the command line") {
  const std::string tables = std::string(MOESIM_SOURCE_DIR) + "/models/profiles/h100-sxm";
  auto r = run_moesim("fidelity --profile " + tables);
  REQUIRE_MESSAGE(r.status == 0, r.output);
  CHECK(r.output.find("| overall |") != std::string::npos);
  const std::string dir = temp_dir("calibrate-cli");
  r = run_moesim("calibrate --profile " + tables + " --out " + dir + "/fitted.yaml");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  CHECK(r.output.find("grouped_gemm") != std::string::npos);
  CHECK(read_text(dir + "/fitted.yaml").find("name: h100-sxm-calibrated") != std::string::npos);
  r = run_moesim("cost --model llama-3-8b --hardware h100-sxm --batch 8 --q 1 --context 1024 "
                 "--profile " + tables + " --json");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  CHECK(r.output.find("\"step_time_s\"") != std::string::npos);
  r = run_moesim("fidelity --profile /nonexistent-profile");
  CHECK(r.status == 2);
}

TEST_CASE("fidelity of the collective model against the measured H200 pair") {
  const std::string dir = std::string(MOESIM_SOURCE_DIR) + "/models/profiles/nvidia-h200-x2";
  auto r = run_moesim("fidelity --collectives " + dir);
  REQUIRE_MESSAGE(r.status == 0, r.output);
  CHECK(r.output.find("33 rows with group >= 2 (33 group-1 rows left out") != std::string::npos);
  CHECK(r.output.find("| all_to_all | > 16 MiB | 3 |") != std::string::npos);
  CHECK(r.output.find("- all_reduce: overhead") != std::string::npos);
  r = run_moesim("fidelity --collectives /nonexistent-collectives");
  CHECK(r.status == 2);
  CHECK(r.output.find("/nonexistent-collectives/collective.csv: no collective table") ==
        std::string::npos);  // not a folder: the path itself is the table
  CHECK(r.output.find("/nonexistent-collectives: no collective table") != std::string::npos);
}

TEST_CASE("an impossible layout and a model that does not fit exit 2 with their messages") {
  const std::string dir = temp_dir("cli-layout");
  write_text(dir + "/s.yaml", R"(name: s
model: qwen2-57b-a14b
hardware: h100-sxm
cluster: {nodes: 1, devices_per_node: 8}
deployment: {tp: 3}
workload: {source: {name: poisson, rate: 1/s}}
)");
  auto r = run_moesim("validate " + dir + "/s.yaml");
  CHECK(r.status == 2);
  CHECK(r.output == dir + "/s.yaml:5:18: error: deployment.tp: tp=3 does not divide the model's 28 "
                          "attention heads\n1 error(s)\n");
  r = run_moesim("run " + dir + "/s.yaml --set deployment.tp=1 --set cluster.devices_per_node=1");
  CHECK(r.status == 2);
  CHECK(r.output.find("error: deployment.tp: model 'qwen2-57b-a14b' does not fit: weights 106.9 GiB") !=
        std::string::npos);
}

TEST_CASE("topology describe, calibrate and run on the shipped file-defined cluster") {
  const std::string dir = std::string(MOESIM_SOURCE_DIR) + "/scenarios/cluster";
  const std::string example = dir + "/two-racks-qwen2-57b.yaml";
  auto r = run_moesim("topology describe " + example + " --route n0.d0,n1.d0");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  CHECK(r.output.rfind("two-racks-qwen2-57b: 8 devices (2 nodes x 4), topology file " + dir +
                           "/two-racks.topology.yaml, 20 vertices, 50 directed links\n",
                       0) == 0);
  // The file's analytic figures: min(4 x 50, 100) GB/s across the racks; 0 + 2.5 + 1 + 2.5 + 0 us.
  CHECK(r.output.find("second): 100 GB/s per direction") != std::string::npos);
  CHECK(r.output.find("route n0.d0,n1.d0: 5 hops, latency 6 us, bottleneck 50 GB/s") !=
        std::string::npos);
  CHECK(r.output.find("rack0->rack1") != std::string::npos);
  r = run_moesim("topology calibrate " + example + " --collective all_to_all --bytes 7MB");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  CHECK(r.output.find("(file " + dir + "/two-racks.topology.yaml)") != std::string::npos);
  const std::string out = temp_dir("cli-two-racks");
  r = run_moesim("run " + example + " --quiet --out " + out +
                 " --set workload.source.requests=16 --set workload.source.concurrency=8");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  CHECK(read_text(out + "/scenario.resolved.yaml")
            .find("topology_file: " + dir + "/two-racks.topology.yaml") != std::string::npos);
}

TEST_CASE("validate: an error in a topology file names its place, exit 2") {
  const std::string dir = temp_dir("cli-topology-file");
  write_text(dir + "/s.yaml", R"(name: s
model: qwen1.5-moe-a2.7b
hardware: h100-sxm
cluster: {topology_file: f.yaml}
workload: {source: {name: poisson, rate: 1/s}}
)");
  write_text(dir + "/f.yaml", R"(vertices:
  - {name: n0.d0, kind: device}
  - {name: n0.d1, kind: device}
  - {name: hub, kind: switch}
links:
  - {a: n0.d0, b: hub, bandwidth: 400GB/s, latency: 1us}
  - {a: n0.d1, b: hbu, bandwidth: 400GB/s, latency: 1us}
)");
  const auto r = run_moesim("validate " + dir + "/s.yaml");
  CHECK(r.status == 2);
  CHECK(r.output == dir + "/f.yaml:7:19: error: links[1].b: unknown vertex 'hbu'; did you mean "
                          "'hub'?\n1 error(s)\n");
  // Fixed, it validates; the written devices_per_node agrees with the file's.
  const std::string f = read_text(dir + "/f.yaml");
  write_text(dir + "/f.yaml", f.substr(0, f.rfind("hbu")) + "hub" + f.substr(f.rfind("hbu") + 3));
  const auto ok = run_moesim("validate " + dir + "/s.yaml --set cluster.devices_per_node=2");
  CHECK_MESSAGE(ok.status == 0, ok.output);
}

namespace {

// The time of the first operator called `op` in `cost --json` output.
double op_time(const std::string& json, const std::string& op) {
  std::smatch m;
  const std::regex re("\"name\": \"" + op + "\"[^}]*\"time_s\": ([0-9.eE+-]+)");
  REQUIRE_MESSAGE(std::regex_search(json, m, re), op);
  return std::stod(m[1]);
}

}  // namespace

TEST_CASE("cost --comm-efficiency: link_class is the default, measured adds the per-call overhead") {
  const std::string base = "cost --model qwen2-57b-a14b --hardware h200 --tp 2 --batch 8 --q 1 --json";
  const auto plain = run_moesim(base + " --comm-efficiency constant");
  const auto constant = run_moesim(base + " --comm-efficiency constant");
  const auto link_class = run_moesim(base);
  const auto measured = run_moesim(base + " --comm-efficiency measured:nvidia-h200-x2");
  const auto no_overhead =
      run_moesim(base + " --comm-efficiency measured:profile=nvidia-h200-x2,overhead_scale=0");
  REQUIRE(plain.status == 0);
  REQUIRE(measured.status == 0);
  REQUIRE(no_overhead.status == 0);
  CHECK(constant.output == plain.output);
  // Default (link_class): the custom one-shot all-reduce of 8 x 3584 x 2 B = 56 KiB over NVLink:
  // 9 us + 0.4 us + 56 KiB / (450 GB/s x 0.45) = 9.683 us (nvlink.yaml).
  REQUIRE(link_class.status == 0);
  CHECK(op_time(link_class.output, "tp_allreduce_attn") ==
        doctest::Approx(9.4e-6 + 57344.0 / (450e9 * 0.45)).epsilon(1e-6));
  // The two-H200 table's all-reduces take about 65 us below 1 MiB (README "Accuracy"), the
  // preset's link model 4 us: the fitted overhead (tens of us) dominates a decode all-reduce.
  const double t_plain = op_time(plain.output, "tp_allreduce_attn");
  const double t_measured = op_time(measured.output, "tp_allreduce_attn");
  const double t_bare = op_time(no_overhead.output, "tp_allreduce_attn");
  CHECK(t_plain < 10e-6);
  CHECK(t_measured > 40e-6);
  CHECK(t_measured < 100e-6);
  CHECK(t_bare < t_measured - 40e-6);  // overhead_scale 0 drops the overhead
}

TEST_CASE("topology calibrate: the closed form matches SimGrid with a measured efficiency curve") {
  const std::string example = std::string(MOESIM_SOURCE_DIR) + "/scenarios/cluster/two-racks-qwen2-57b.yaml";
  for (const char* bytes : {"4KiB", "1MiB", "256MiB"}) {
    CAPTURE(bytes);
    const auto r = run_moesim("topology calibrate " + example +
                              " --collective all_reduce --group 4 --bytes " + bytes +
                              " --set hardware.communication_efficiency.name=measured"
                              " --set hardware.communication_efficiency.profile=nvidia-h200-x2");
    REQUIRE_MESSAGE(r.status == 0, r.output);
    std::smatch m;
    REQUIRE(std::regex_search(r.output, m, std::regex("closed form  ([0-9.eE+-]+) s\\s+SimGrid      ([0-9.eE+-]+) s")));
    CHECK(std::stod(m[1]) == doctest::Approx(std::stod(m[2])).epsilon(1e-3));
  }
}

TEST_CASE("compare: two finished runs side by side, and a folder without summary.json exits 2") {
  const std::string d = temp_dir("compare");
  const std::string base = "run --quiet --set workload.source.requests=20 "
                           "--set speculative.compare_without_speculation=false ";
  REQUIRE(run_moesim(base + "--out " + d + "/g3").status == 0);
  REQUIRE(run_moesim(base + "--set speculative.gamma=1 --out " + d + "/g1").status == 0);
  const auto r = run_moesim("compare " + d + "/g3 " + d + "/g1 --out " + d + "/cmp");
  REQUIRE(r.status == 0);
  CHECK(r.output.find("| metric | g3 | g1 |") != std::string::npos);
  CHECK(r.output.find("| requests_completed | 20 | 20 (x1) |") != std::string::npos);
  for (const char* f : {"compare.md", "compare.csv", "ttft_cdf.svg", "tpot_cdf.svg", "e2e_cdf.svg"})
    CHECK(std::filesystem::exists(d + "/cmp/" + f));
  const auto bad = run_moesim("compare " + d + "/g3 " + d + "/cmp");
  CHECK(bad.status == 2);
  CHECK(bad.output.find(d + "/cmp/summary.json: no such file") != std::string::npos);
  CHECK(run_moesim("compare " + d + "/g3").status == 2);  // one run: usage
  std::filesystem::remove_all(d);
}
