// `moesim capacity` end to end on a tiny scenario (30 requests of a small MoE on one H100), the
// same search twice giving the same bytes, a load that already fails, the bad inputs that exit 2
// with nothing written, and the sweep metric on a 2-point sweep.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/test_support.hpp"

using namespace moesim::test;

namespace {

const char* kTiny = R"(name: tiny-capacity
seed: 7
model: qwen1.5-moe-a2.7b
hardware: h100-sxm
cluster: {nodes: 1, devices_per_node: 2}
serving:
  scheduler: {name: vllm, max_num_seqs: 16, max_num_batched_tokens: 1024}
workload:
  source: {name: poisson, rate: 4/s, requests: 30}
  lengths: {name: lognormal, prompt_median: 200, prompt_sigma: 0.5, output_median: 40, output_sigma: 0.5}
)";

}  // namespace

TEST_CASE("capacity: a search on a tiny scenario, its files, the same bytes twice") {
  const std::string dir = temp_dir("capacity");
  write_text(dir + "/s.yaml", kTiny);
  const std::string cmd = "capacity " + dir + "/s.yaml --slo 'ttft<=200ms' --slo 'tpot<=20ms' " +
                          "--attainment 0.9 --tolerance 0.1 --max-runs 12 --quiet --out ";
  const auto r = run_moesim(cmd + dir + "/a");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  CHECK(r.output.find("| probe | rate (req/s) | attainment | ttft p50 | ttft p90 | tpot p50 | "
                      "tpot p90 | pass |\n") == 0);
  CHECK(r.output.find("| 1 | 4 | ") != std::string::npos);  // the scenario's rate first
  CHECK(r.output.find("\nCapacity: ") != std::string::npos);
  CHECK(r.output.find("Bracket: passes at ") != std::string::npos);
  for (const char* f : {"capacity.json", "capacity.md", "run/summary.json", "run/requests.csv"})
    CHECK_MESSAGE(std::filesystem::exists(dir + "/a/" + f), f);
  CHECK(!std::filesystem::exists(dir + "/a/probes.partial"));
  const std::string json = read_text(dir + "/a/capacity.json");
  CHECK(json.find("\"status\": \"bracketed\"") != std::string::npos);
  CHECK(json.find("\"slos\": [\n    \"ttft<=200ms\",\n    \"tpot<=20ms\"\n  ]") !=
        std::string::npos);
  const auto again = run_moesim(cmd + dir + "/b");
  REQUIRE(again.status == 0);
  CHECK(again.output == r.output);
  CHECK(read_text(dir + "/b/capacity.json") == json);
  CHECK(read_text(dir + "/b/capacity.md") == read_text(dir + "/a/capacity.md"));
  CHECK(read_text(dir + "/b/run/requests.csv") == read_text(dir + "/a/run/requests.csv"));

  // The lowest load already misses: exit status 1, said plainly; the files say so too.
  const auto low = run_moesim("capacity " + dir + "/s.yaml --slo 'ttft<=1us' --low 4 --quiet " +
                              "--out " + dir + "/c");
  CHECK(low.status == 1);
  CHECK(low.output.find("No capacity: the lowest load probed (4 req/s) already misses 99.00% of "
                        "requests meeting ttft<=1us.\n") != std::string::npos);
  CHECK(read_text(dir + "/c/capacity.json").find("\"status\": \"lowest_fails\"") !=
        std::string::npos);
  CHECK(!std::filesystem::exists(dir + "/c/run"));
}

TEST_CASE("capacity: bad inputs exit 2 with a located message and write nothing") {
  const std::string dir = temp_dir("capacity-bad");
  write_text(dir + "/s.yaml", kTiny);
  const std::string s = dir + "/s.yaml";
  const auto expect = [&](const std::string& args, const std::string& message) {
    const auto r = run_moesim("capacity " + args + " --out " + dir + "/out");
    CHECK_MESSAGE(r.status == 2, args);
    CHECK_MESSAGE(r.output.find(message) != std::string::npos, r.output);
    CHECK_MESSAGE(!std::filesystem::exists(dir + "/out"), args);
  };
  expect(s + " --slo 'ttfb<=2s'",
         "moesim capacity: --slo: 'ttfb<=2s': unknown metric 'ttfb'; expected one of ttft, tpot, "
         "e2e\n");
  expect(s + " --slo 'ttft<=2parsecs'", "moesim capacity: --slo: 'ttft<=2parsecs': ");
  expect(s + " --slo 'ttft<=2s' --attainment 1.5",
         "moesim capacity: --attainment expects a share in (0, 1], e.g. 0.99, got '1.5'\n");
  expect(s + " --slo 'ttft<=2s' --attainment 0", "--attainment expects a share in (0, 1]");
  expect(s, "moesim capacity: --slo is required");
  expect(s + " --slo 'ttft<=2s' --over concurrency",
         s + ":9:11: error: workload.source: --over concurrency needs a closed_loop source");
  write_text(dir + "/trace.yaml", std::string(kTiny).replace(
                                      std::string(kTiny).find("{name: poisson, rate: 4/s, "
                                                              "requests: 30}"),
                                      std::string("{name: poisson, rate: 4/s, requests: 30}")
                                          .size(),
                                      "{name: azure, path: none.csv}"));
  expect(dir + "/trace.yaml --slo 'ttft<=2s'", "workload.source");
}

TEST_CASE("capacity: as a sweep metric, ranked by select") {
  const std::string dir = temp_dir("capacity-sweep");
  write_text(dir + "/s.yaml", std::string(kTiny) + R"(sweep:
  grid:
    serving.scheduler.max_num_seqs: [2, 16]
  capacity: {slo: ["ttft<=200ms", "tpot<=20ms"], attainment: 0.9, tolerance: 0.2, max_runs: 8}
)");
  const auto r = run_moesim("sweep " + dir + "/s.yaml --jobs 1 --quiet --out " + dir + "/out");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const std::string csv = read_text(dir + "/out/results.csv");
  const std::string header = csv.substr(0, csv.find('\n'));
  for (const char* col : {"capacity_rps", "capacity_per_device", "capacity_attainment",
                          "capacity_status", "throughput_output_tokens_per_s"}) {
    CHECK_MESSAGE(header.find(col) != std::string::npos, col);
  }
  CHECK(std::filesystem::exists(dir + "/out/points/1/capacity.json"));
  CHECK(read_text(dir + "/out/sweep.json").find("\"capacity\": [") != std::string::npos);
  // Other capacity settings are another sweep: --resume refuses them.
  std::string other = read_text(dir + "/s.yaml");
  other.replace(other.find("attainment: 0.9"), 15, "attainment: 0.8");
  write_text(dir + "/other.yaml", other);
  const auto resume =
      run_moesim("sweep " + dir + "/other.yaml --resume --quiet --out " + dir + "/out");
  CHECK(resume.status == 2);
  CHECK(resume.output.find("holds a different sweep") != std::string::npos);
  const auto sel = run_moesim("select " + dir + "/out/results.csv --objective capacity_per_device");
  CHECK_MESSAGE(sel.status == 0, sel.output);

  // A bad capacity map is placed at its line.
  write_text(dir + "/bad.yaml", std::string(kTiny) + R"(sweep:
  grid:
    serving.scheduler.max_num_seqs: [2, 16]
  capacity: {slo: ["ttfb<=2s"], attainment: 2}
)");
  const auto bad = run_moesim("sweep " + dir + "/bad.yaml --out " + dir + "/bad");
  CHECK(bad.status == 2);
  CHECK_MESSAGE(bad.output.find(dir + "/bad.yaml:14:20: error: sweep.capacity.slo: 'ttfb<=2s': "
                                "unknown metric 'ttfb'") != std::string::npos,
                bad.output);
  CHECK(bad.output.find("sweep.capacity.attainment: value 2 out of range [0, 1]") !=
        std::string::npos);
}
