// A priced sweep: results.csv carries the flattened cost figures, and `select` ranks by them
// (with and without the sweep.json beside the table, whose absence makes select guess the knobs).
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/test_support.hpp"

using namespace moesim::test;

namespace {

const char* kPricedSweep = R"(name: priced
seed: 7
model: qwen1.5-moe-a2.7b
hardware: h100-sxm
cluster: {nodes: 1, devices_per_node: 1}
serving:
  scheduler: {name: vllm, max_num_seqs: 16, max_num_batched_tokens: 1024}
workload:
  source: {name: poisson, rate: 8/s, requests: 20}
  lengths: {name: lognormal, prompt_median: 200, prompt_sigma: 0.5, output_median: 40, output_sigma: 0.5}
cost: {price_per_device_hour: 2}
sweep:
  grid:
    serving.scheduler.max_num_seqs: [4, 16]
)";

}  // namespace

TEST_CASE("select: a priced sweep ranked by dollars per million output tokens") {
  const std::string dir = temp_dir("sweep-cost");
  write_text(dir + "/s.yaml", kPricedSweep);
  const auto run = run_moesim("sweep " + dir + "/s.yaml --jobs 1 --quiet --out " + dir + "/out");
  REQUIRE_MESSAGE(run.status == 0, run.output);
  const std::string csv = read_text(dir + "/out/results.csv");
  CHECK(csv.find(",cost.dollars_per_million_output_tokens,") != std::string::npos);
  CHECK(csv.find(",cost.device_hours,") != std::string::npos);
  const std::string select = "select " + dir + "/out/results.csv --objective "
                             "cost.dollars_per_million_output_tokens --minimize";
  auto r = run_moesim(select);
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const std::string header =
      "| rank | index | serving.scheduler.max_num_seqs | cost.dollars_per_million_output_tokens |";
  CHECK(r.output.rfind(header, 0) == 0);
  CHECK(r.output.find("2 of 2 points meet every constraint") != std::string::npos);
  // Without sweep.json the knobs are the columns between status and the first summary key:
  // cost.* sorts before devices and must not be taken for a knob.
  std::filesystem::remove(dir + "/out/sweep.json");
  r = run_moesim(select + " --out " + dir + "/sel");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  CHECK(r.output.rfind(header, 0) == 0);
  std::filesystem::remove_all(dir);
}
