// End-to-end properties of `moesim run` (each run is its own process: one SimGrid engine each).
#include <doctest/doctest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <vector>

#include "tests/test_support.hpp"

using namespace moesim::test;

namespace {

const char* kScenario = R"(name: props
seed: 11
model: qwen1.5-moe-a2.7b
hardware: h100-sxm
cluster: {devices_per_node: 1}
serving:
  scheduler: {name: vllm, max_num_seqs: 16, max_num_batched_tokens: 1024}
workload:
  source: {name: poisson, rate: 6/s, requests: 120}
  lengths: {name: lognormal, prompt_median: 300, prompt_sigma: 0.7, output_median: 60, output_sigma: 0.5}
)";

const char* kSpeculation = R"(speculative:
  method: draft_model
  draft: qwen2-0.5b
  gamma: GAMMA
  acceptance: {name: iid, alpha: 0.75}
)";

std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
  std::stringstream in(read_text(path));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> head;
  std::stringstream hs(line);
  for (std::string c; std::getline(hs, c, ',');) head.push_back(c);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::map<std::string, std::string> row;
    std::stringstream ls(line);
    std::string c;
    for (std::size_t i = 0; i < head.size() && std::getline(ls, c, ','); ++i) row[head[i]] = c;
    rows.push_back(row);
  }
  return rows;
}

double summary_number(const std::string& dir, const std::string& key) {
  std::smatch m;
  const std::string text = read_text(dir + "/summary.json");
  REQUIRE(std::regex_search(text, m, std::regex("\"" + key + "\": ([0-9.eE+-]+)")));
  return std::stod(m[1]);
}

std::string run(const std::string& name, const std::string& scenario, const std::string& sets = "") {
  const std::string dir = temp_dir(name);
  write_text(dir + "/s.yaml", scenario);
  const auto r = run_moesim("run " + dir + "/s.yaml --quiet --check --out " + dir + "/out " + sets);
  REQUIRE_MESSAGE(r.status == 0, r.output);
  return dir + "/out";
}

std::string without_wall_time(std::string s) {
  return std::regex_replace(s, std::regex("\"wall_time_s\": [^,\n]*"), "");
}

std::string with_gamma(int gamma) {
  std::string spec = kSpeculation;
  spec.replace(spec.find("GAMMA"), 5, std::to_string(gamma));
  return std::string(kScenario) + spec;
}

}  // namespace

TEST_CASE("same seed: byte-identical outputs - another seed: different") {
  const std::string a = run("det-a", with_gamma(3));
  const std::string b = run("det-b", with_gamma(3));
  for (const char* f : {"/requests.csv", "/steps.csv", "/scenario.resolved.yaml"}) {
    CHECK_MESSAGE(read_text(a + f) == read_text(b + f), f);
  }
  CHECK(without_wall_time(read_text(a + "/summary.json")) ==
        without_wall_time(read_text(b + "/summary.json")));
  const std::string c = run("det-c", with_gamma(3), "--set seed=12");
  CHECK(read_text(a + "/requests.csv") != read_text(c + "/requests.csv"));
}

TEST_CASE("every request completes once with its output length - causality") {
  const std::string out = run("conserve", with_gamma(3));
  const auto rows = read_csv(out + "/requests.csv");
  CHECK(rows.size() == 120);
  std::set<std::string> ids;
  for (const auto& r : rows) {
    CHECK(ids.insert(r.at("id")).second);
    CHECK(r.at("status") == "completed");
    CHECK(r.at("generated_tokens") == r.at("output_tokens"));
    const double arrival = std::stod(r.at("arrival_s"));
    const double first = std::stod(r.at("first_token_s"));
    const double finish = std::stod(r.at("finish_s"));
    CHECK(first >= arrival);
    CHECK(finish >= first);
  }
  CHECK(summary_number(out, "requests_completed") == 120);
}

TEST_CASE("KV blocks never exceed capacity and all return - preemption under pressure") {
  // About 1,000 blocks (16k tokens) for up to 128 sequences of ~360 tokens forces preemptions.
  const std::string out = run("kv", kScenario,
                              "--set serving.memory_utilization=0.40 "
                              "--set serving.max_model_len=4096 "
                              "--set serving.scheduler.max_num_seqs=128 "
                              "--set workload.source.rate=60/s");
  const double cap = summary_number(out, "kv_capacity_blocks");
  CHECK(cap > 0);
  for (const auto& s : read_csv(out + "/steps.csv")) CHECK(std::stod(s.at("kv_blocks_used")) <= cap);
  CHECK(summary_number(out, "kv_blocks_in_use_at_end") == 0);
  CHECK(summary_number(out, "kv_peak_utilization") <= 1.0);
  CHECK(summary_number(out, "preemptions") > 0);
  CHECK(summary_number(out, "requests_completed") == 120);
}

TEST_CASE("gamma = 0 equals speculation off") {
  const std::string off = run("gamma-off", kScenario);
  const std::string zero = run("gamma-zero", with_gamma(0));
  CHECK(read_text(off + "/requests.csv") == read_text(zero + "/requests.csv"));
  CHECK(read_text(off + "/steps.csv") == read_text(zero + "/steps.csv"));
}

TEST_CASE("more memory bandwidth never increases TPOT") {
  // Closed loop with fixed lengths keeps the batch composition identical across the two runs.
  const std::string base = std::regex_replace(
      std::string(kScenario), std::regex("source: .*\n  lengths: .*\n"),
      "source: {name: closed_loop, concurrency: 8, requests: 40}\n"
      "  lengths: {name: fixed, prompt: 256, output: 48}\n");
  const std::string slow = run("bw-slow", base);
  const std::string fast = run("bw-fast", base, "--set hardware.memory_bandwidth=6TB/s");
  const auto a = read_csv(slow + "/requests.csv");
  const auto b = read_csv(fast + "/requests.csv");
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(std::stod(b[i].at("tpot_s")) <= std::stod(a[i].at("tpot_s")));
  }
  CHECK(summary_number(fast, "tpot_s\": \\{\\s*\"mean") <= summary_number(slow, "tpot_s\": \\{\\s*\"mean"));
}

TEST_CASE("baseline comparison reports speedups") {
  std::string text = with_gamma(3);
  text += "  compare_without_speculation: true\n";
  const std::string out = run("baseline", text);
  CHECK(summary_number(out, "speedup_throughput") > 0);
  CHECK(summary_number(out, "speedup_tpot") > 0);
  CHECK(summary_number(out, "mean_accepted_tokens") > 0);
  CHECK(summary_number(out, "target_efficiency") > 0);
}

TEST_CASE("the embedded quickstart runs with no argument") {
  const std::string dir = temp_dir("quickstart");
  const auto r = run_moesim("run --out " + dir);
  CHECK(r.status == 0);
  CHECK(r.output.find("moesim run: quickstart") != std::string::npos);
  // Latencies in the unit that fits, four significant figures, in aligned columns.
  CHECK_MESSAGE(std::regex_search(r.output, std::regex("\n  TTFT  ( {1,7}[0-9.]{5} (us|ms|s|min)){4}\n")),
                r.output);
  CHECK(std::filesystem::exists(dir + "/summary.json"));
  CHECK_FALSE(std::filesystem::exists(dir + "/requests.csv.partial"));
  // --quiet: nothing but errors, the report included; the same files.
  const auto q = run_moesim("run --quiet --out " + dir);
  CHECK(q.status == 0);
  CHECK(q.output.empty());
  CHECK(std::filesystem::exists(dir + "/summary.json"));
}

TEST_CASE("a bad trace row mid-run: exit 2 naming the line, and no result files left") {
  const std::string dir = temp_dir("bad-trace");
  write_text(dir + "/t.csv",
             "TIMESTAMP,ContextTokens,GeneratedTokens\n"
             "2023-11-16 18:15:46.6805900,100,20\n"
             "2023-11-16 18:15:47.0000000,120,20\n"
             "2023-11-16 18:15:48.0000000,abc,20\n");
  write_text(dir + "/s.yaml", std::string(R"(name: bad
model: qwen1.5-moe-a2.7b
hardware: h100-sxm
cluster: {devices_per_node: 1}
workload:
  source: {name: azure, path: t.csv}
)"));
  const auto r = run_moesim("run " + dir + "/s.yaml --quiet --out " + dir + "/out");
  CHECK(r.status == 2);
  CHECK(r.output.find("t.csv:4:") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/out/summary.json"));
  CHECK_FALSE(std::filesystem::exists(dir + "/out/requests.csv"));
  CHECK_FALSE(std::filesystem::exists(dir + "/out/requests.csv.partial"));
  CHECK_FALSE(std::filesystem::exists(dir + "/out/steps.csv.partial"));
}

TEST_CASE("adaptive speculation: a draft as costly as the target never pays, so no step drafts") {
  // rate(g) = B tau(g) / (T(B, g+1) + g T(B, 1) + rejection) < B / T(B, 1) = rate(0) for every
  // g >= 1, since tau(g) < g + 1 (alpha < 1) and T(B, g+1) >= T(B, 1): every step picks 0, and
  // the run is the run without speculation, byte for byte.
  std::string spec = kSpeculation;
  spec.replace(spec.find("GAMMA"), 5, "4");
  spec.replace(spec.find("qwen2-0.5b"), 10, "qwen1.5-moe-a2.7b");
  const std::string adaptive = run("adaptive-costly", std::string(kScenario) + spec +
                                                          "  policy: adaptive\n");
  const std::string off = run("adaptive-off", kScenario);
  CHECK(read_text(adaptive + "/requests.csv") == read_text(off + "/requests.csv"));
  CHECK(read_text(adaptive + "/steps.csv") == read_text(off + "/steps.csv"));
  CHECK(summary_number(adaptive, "mean_gamma") == 0);
}

TEST_CASE("adaptive speculation with min_gamma = gamma is the fixed policy") {
  const std::string fixed = run("adaptive-fixed", with_gamma(3));
  const std::string pinned = run("adaptive-pinned", with_gamma(3) +
                                                        "  policy: {name: adaptive, min_gamma: 3}\n");
  CHECK(read_text(fixed + "/requests.csv") == read_text(pinned + "/requests.csv"));
  CHECK(read_text(fixed + "/steps.csv") == read_text(pinned + "/steps.csv"));
  CHECK(summary_number(fixed, "mean_gamma") == 3);
}
