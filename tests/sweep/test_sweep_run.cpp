// `moesim sweep`, `merge` and `select` end to end on a 6-point sweep of a tiny scenario (each
// point is a `moesim run` child process of 30 requests).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <vector>

#include "tests/test_support.hpp"

using namespace moesim::test;

namespace {

// tp {1, 2, 4} x max_num_seqs {4, 16} on one node of 2 devices, ep = tp:
//   0: tp 1, seqs 4   ok           3: tp 2, seqs 16  ok
//   1: tp 1, seqs 16  ok           4: tp 4, seqs 4   invalid (needs 4 devices, the cluster has 2)
//   2: tp 2, seqs 4   ok           5: tp 4, seqs 16  filtered (16 x 4 > 32)
const char* kSweep = R"(name: tiny
seed: 7
model: qwen1.5-moe-a2.7b
hardware: h100-sxm
cluster: {nodes: 1, devices_per_node: 2}
serving:
  scheduler: {name: vllm, max_num_seqs: 16, max_num_batched_tokens: 1024}
workload:
  source: {name: poisson, rate: 8/s, requests: 30}
  lengths: {name: lognormal, prompt_median: 200, prompt_sigma: 0.5, output_median: 40, output_sigma: 0.5}
sweep:
  grid:
    deployment.tp: [1, 2, 4]
    serving.scheduler.max_num_seqs: [4, 16]
  derived:
    deployment.ep: deployment.tp
  filters:
    - "serving.scheduler.max_num_seqs * deployment.tp <= 32"
)";

const char* kFilter = "serving.scheduler.max_num_seqs * deployment.tp <= 32";

// A fresh folder holding s.yaml.
std::string sweep_dir(const std::string& name) {
  const std::string dir = temp_dir(name);
  write_text(dir + "/s.yaml", kSweep);
  return dir;
}

// Runs the sweep into dir/out with `extra` options; returns its results.csv.
std::string run_sweep(const std::string& dir, const std::string& out,
                      const std::string& extra = "") {
  const auto r = run_moesim("sweep " + dir + "/s.yaml --jobs 2 --quiet --out " + dir + "/" + out +
                            " " + extra);
  REQUIRE_MESSAGE(r.status == 0, r.output);
  return read_text(dir + "/" + out + "/results.csv");
}

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> row;
    std::stringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) row.push_back(c);
    if (!line.empty() && line.back() == ',') row.emplace_back();
    rows.push_back(row);
  }
  return rows;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

TEST_CASE("sweep: six points with their statuses, swept columns and metrics") {
  const std::string dir = sweep_dir("sweep-basic");
  const auto r = run_moesim("sweep " + dir + "/s.yaml --jobs 2 --out " + dir + "/out");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  CHECK(r.output.find("moesim sweep: tiny: 6 points, 6 to do, 2 at a time") != std::string::npos);
  CHECK(r.output.find("4 ok, 1 invalid, 0 failed, 1 filtered") != std::string::npos);
  CHECK(r.output.find("point 5: filtered: " + std::string(kFilter)) != std::string::npos);
  const auto rows = csv_rows(read_text(dir + "/out/results.csv"));
  REQUIRE(rows.size() == 7);
  const auto& head = rows[0];
  REQUIRE(head.size() > 6);
  CHECK(std::vector<std::string>(head.begin(), head.begin() + 5) ==
        std::vector<std::string>{"index", "status", "deployment.tp",
                                 "serving.scheduler.max_num_seqs", "deployment.ep"});
  CHECK(head.back() == "error");
  CHECK(std::find(head.begin(), head.end(), "tpot_s.p90") != head.end());
  CHECK(std::find(head.begin(), head.end(), "wall_time_s") == head.end());
  const std::vector<std::string> status{"ok", "ok", "ok", "ok", "invalid", "filtered"};
  for (std::size_t i = 0; i < 6; ++i) {
    CHECK(rows[i + 1][0] == std::to_string(i));
    CHECK(rows[i + 1][1] == status[i]);
  }
  CHECK(rows[3][2] == "2");  // point 2: tp 2, seqs 4, ep 2
  CHECK(rows[3][3] == "4");
  CHECK(rows[3][4] == "2");
  // The invalid point's error is the validator's message for its --set.
  CHECK(read_text(dir + "/out/results.csv").find("--set deployment.tp=4: error: deployment.tp:") !=
        std::string::npos);
  CHECK(rows[6].back() == kFilter);
  CHECK(lines_of(read_text(dir + "/out/journal.jsonl")).size() == 6);
  CHECK(std::filesystem::exists(dir + "/out/points/0/summary.json"));
  CHECK(std::filesystem::exists(dir + "/out/points/4/log.txt"));
  CHECK(read_text(dir + "/out/base.yaml").find("sweep:") == std::string::npos);
}

TEST_CASE(
    "sweep --resume after a kill: only the missing points run, results.csv is byte-identical") {
  const std::string dir = sweep_dir("sweep-resume");
  const std::string full = run_sweep(dir, "out");
  // A kill loses the points in flight and may cut the line being written.
  const auto journal = lines_of(read_text(dir + "/out/journal.jsonl"));
  REQUIRE(journal.size() == 6);
  std::string kept;
  for (std::size_t i = 0; i < journal.size(); ++i) {
    if (i != 1 && i != 2) kept += journal[i] + "\n";
  }
  write_text(dir + "/out/journal.jsonl", kept + "{\"index\":3,\"sta");
  std::filesystem::remove(dir + "/out/results.csv");
  const auto r =
      run_moesim("sweep " + dir + "/s.yaml --jobs 2 --quiet --resume --out " + dir + "/out");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  CHECK(r.output.find("6 points, 4 already done, 2 to do") != std::string::npos);
  CHECK(read_text(dir + "/out/results.csv") == full);
  CHECK(lines_of(read_text(dir + "/out/journal.jsonl")).size() == 6);
  // Nothing left: resuming again runs nothing and changes nothing.
  const auto again = run_moesim("sweep " + dir + "/s.yaml --quiet --resume --out " + dir + "/out");
  CHECK(again.output.find("6 already done, 0 to do") != std::string::npos);
  CHECK(read_text(dir + "/out/results.csv") == full);
  // A different sweep cannot resume this folder.
  const auto other =
      run_moesim("sweep " + dir + "/s.yaml --resume --set seed=8 --out " + dir + "/out");
  CHECK(other.status == 2);
  CHECK(other.output.find(dir + "/out holds a different sweep") != std::string::npos);
}

TEST_CASE("sweep shards 0/3, 1/3, 2/3 merged equal the unsharded results.csv byte for byte") {
  const std::string dir = sweep_dir("sweep-shards");
  const std::string full = run_sweep(dir, "full");
  for (int i = 0; i < 3; ++i) {
    const std::string part =
        run_sweep(dir, "shard" + std::to_string(i), "--shard " + std::to_string(i) + "/3");
    CHECK(lines_of(part).size() == 3);  // header + indices i and i + 3
  }
  const auto r = run_moesim("merge " + dir + "/shard2 " + dir + "/shard0 " + dir +
                            "/shard1 --out " + dir + "/merged");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  CHECK(r.output.find("6 of 6 points from 3 folder(s)") != std::string::npos);
  CHECK(read_text(dir + "/merged/results.csv") == full);
  // Two shards: what is missing, and no results.csv (regression: exit 0 with half the rows).
  const auto partial =
      run_moesim("merge " + dir + "/shard0 " + dir + "/shard1 --out " + dir + "/partial");
  CHECK(partial.status == 2);
  CHECK(partial.output == "moesim merge: error: 2 of 6 point(s) missing (a shard not given or "
                          "not finished); no results.csv written; run them with: moesim sweep "
                          "FILE --resume --out " + dir + "/partial\n");
  CHECK_FALSE(std::filesystem::exists(dir + "/partial/results.csv"));
  CHECK(std::filesystem::exists(dir + "/partial/journal.jsonl"));
  // The same point with two different results is an error.
  std::filesystem::copy(dir + "/shard0", dir + "/forged", std::filesystem::copy_options::recursive);
  std::string j = read_text(dir + "/forged/journal.jsonl");
  const std::string ok0 = "{\"index\":0,\"status\":\"ok\"";
  REQUIRE(j.find(ok0) != std::string::npos);
  j.replace(j.find(ok0), ok0.size(), "{\"index\":0,\"status\":\"failed\"");
  write_text(dir + "/forged/journal.jsonl", j);
  const auto bad = run_moesim("merge " + dir + "/shard0 " + dir + "/forged --out " + dir + "/bad");
  CHECK(bad.status == 2);
  CHECK(bad.output == "moesim merge: error: point 0 has different results in " + dir +
                          "/shard0 and " + dir + "/forged\n");
}

TEST_CASE("select: ranked table, removed-by counts, selection files and the Pareto plot") {
  const std::string dir = sweep_dir("sweep-select");
  (void)run_sweep(dir, "out");
  const auto r =
      run_moesim("select " + dir +
                 "/out/results.csv --objective "
                 "throughput_output_tokens_per_s_per_device --constraint fits_memory "
                 "--constraint \"deployment.tp<2\" --constraint \"tpot_s.p90<=1\" --top 5");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  // Points 0 and 1 remain; they differ only in max_num_seqs, yet every swept knob is shown,
  // then the objective, the constrained column and the x axis's column.
  CHECK(r.output.rfind("| rank | index | deployment.tp | serving.scheduler.max_num_seqs | "
                       "deployment.ep | throughput_output_tokens_per_s_per_device | tpot_s.p90 | "
                       "tpot_s.mean |\n",
                       0) == 0);
  CHECK(r.output.find("2 of 6 points meet every constraint") != std::string::npos);
  CHECK(r.output.find("- removed by sweep filter '" + std::string(kFilter) + "': 1 point\n") !=
        std::string::npos);
  // Its validator error names deployment.tp (too few devices), not memory.
  CHECK(r.output.find("- removed by status invalid (deployment.tp): 1 point\n") !=
        std::string::npos);
  CHECK(r.output.find("- removed by deployment.tp<2: 2 points\n") != std::string::npos);
  CHECK(r.output.find("tpot_s.p90<=1") == std::string::npos);  // removed nothing: no line
  CHECK(r.output.find("|   1* |") != std::string::npos);  // the best throughput is on the front
  CHECK(lines_of(read_text(dir + "/out/selection.csv")).size() == 3);
  CHECK(read_text(dir + "/out/selection.md").find("| rank |") == 0);
  CHECK(read_text(dir + "/out/pareto.svg").find("</svg>") != std::string::npos);
  const auto bad = run_moesim("select " + dir + "/out/results.csv --objective throughput");
  CHECK(bad.status == 2);
  CHECK(bad.output ==
        "moesim select: error: unknown objective column 'throughput'; did you mean "
        "'throughput_output_tokens_per_s' or 'throughput_output_tokens_per_s_per_device'?\n");
}

TEST_CASE("sweep: a bad sweep file gives every error with its place, exit 2") {
  const std::string dir = temp_dir("sweep-bad");
  write_text(dir + "/bad.yaml", R"(name: bad
model: qwen1.5-moe-a2.7b
hardware: h100-sxm
workload:
  source: {name: poisson, rate: 8/s, requests: 10}
sweep:
  grid:
    deployment.tp: [1, 2]
    serving.kv_block_size: 16
  zip:
    model.layers: [8, 16]
    model.hidden: [1024]
  derived:
    deployment.ep: devices / deployment.tpp
  filters:
    - deployment.tp < = 2
  filter: []
)");
  const std::string f = dir + "/bad.yaml";
  const auto r = run_moesim("sweep " + f + " --out " + dir + "/out");
  CHECK(r.status == 2);
  CHECK(r.output == f +
                        ":17:3: error: sweep.filter: unknown key; did you mean 'filters'? (valid "
                        "keys: grid, zip, derived, filters, capacity)\n" +
                        f +
                        ":9:28: error: sweep.grid.serving.kv_block_size: expected a list of "
                        "values, e.g. [1, 2, 4]\n" +
                        f +
                        ":12:5: error: sweep.zip.model.hidden: zip lists must have equal lengths: "
                        "'model.layers' has 2 values, 'model.hidden' has 1\n" +
                        f +
                        ":14:5: error: sweep.derived.deployment.ep: unknown name 'deployment.tpp' "
                        "at column 11 of 'devices / deployment.tpp'; did you mean 'deployment.tp'? "
                        "(valid: deployment.tp, serving.kv_block_size, model.layers, model.hidden, "
                        "deployment.ep, devices, cluster.devices_per_node, cluster.nodes)\n" +
                        f +
                        ":16:7: error: sweep.filters[0]: bad filter 'deployment.tp < = 2': "
                        "expected a number, a name or '(' at column 17\n"
                        "5 error(s)\n");
  CHECK_FALSE(std::filesystem::exists(dir + "/out"));
  const auto shard = run_moesim("sweep " + f + " --shard 3/3");
  CHECK(shard.status == 2);
  CHECK(shard.output == "moesim sweep: --shard i/N needs 0 <= i < N, got '3/3'\n");
}

// Regression: a typo in the base part or a grid path made every point invalid, each message
// naming the folder's copy (base.yaml), and the sweep exited 0.
TEST_CASE("sweep: typos in the base scenario and in a grid path are reported up front, exit 2") {
  const std::string dir = temp_dir("sweep-typo");
  write_text(dir + "/s.yaml", R"(name: typo
seed: 7
model: qwen1.5-moe-a2.7b
hardware: h100-sxm
serving:
  schedulr: vllm
workload:
  source: {name: poisson, rate: 8/s, requests: 30}
sweep:
  grid:
    deployment.tpp: [1, 2]
    serving.kv_block_size: [16, 1.5]
)");
  const auto r = run_moesim("sweep " + dir + "/s.yaml --quiet --out " + dir + "/out");
  CHECK(r.status == 2);
  CHECK_MESSAGE(r.output.find(dir + "/s.yaml:6:3: error: serving") != std::string::npos, r.output);
  CHECK_MESSAGE(r.output.find(dir + "/s.yaml:11:5: error: deployment") != std::string::npos, r.output);
  CHECK_MESSAGE(r.output.find("did you mean 'tp'") != std::string::npos, r.output);
  CHECK_MESSAGE(r.output.find(dir + "/s.yaml:12:5: error: serving.kv_block_size") != std::string::npos, r.output);
  CHECK(r.output.find("base.yaml") == std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/out/journal.jsonl"));
}

// Regression: the up-front check refused a grid value that is only invalid beside the other
// axes' first values (MoE groups 4 must divide top_k: fine with top_k 4, not with 2); such points
// are recorded invalid when they run. A value valid with no other axis value is still an error.
TEST_CASE("sweep: a value invalid only in some combinations runs, one invalid everywhere exits 2") {
  const std::string dir = temp_dir("sweep-combination");
  const std::string base = R"(name: combo
seed: 7
model: qwen1.5-moe-a2.7b
hardware: h100-sxm
workload:
  source: {name: poisson, rate: 8/s, requests: 10}
sweep:
  grid:
    model.moe.top_k: [2, 4]
)";
  write_text(dir + "/ok.yaml", base + "    model.moe.groups: [1, 4]\n");
  const auto ok = run_moesim("sweep " + dir + "/ok.yaml --quiet --out " + dir + "/ok");
  CHECK_MESSAGE(ok.status == 0, ok.output);
  const std::string results = read_text(dir + "/ok/results.csv");
  CHECK(results.find(",invalid") != std::string::npos);  // groups 4 with top_k 2
  write_text(dir + "/bad.yaml", base + "    model.moe.groups: [1, 7]\n");
  const auto bad = run_moesim("sweep " + dir + "/bad.yaml --quiet --out " + dir + "/bad");
  CHECK(bad.status == 2);
  CHECK_MESSAGE(bad.output.find(dir + "/bad.yaml:10:5: error: model.moe.groups") !=
                    std::string::npos, bad.output);
}

// Regression: select ranked a results.csv cut short in its last row.
TEST_CASE("select: a truncated results.csv is refused") {
  const std::string dir = temp_dir("select-truncated");
  write_text(dir + "/results.csv", "index,status,a\n0,ok,1\n1,ok,2\n2,o");
  const auto r = run_moesim("select " + dir + "/results.csv --objective a");
  CHECK(r.status == 2);
  CHECK(r.output == "moesim select: error: " + dir +
                        "/results.csv: the last line ends without a newline: the file is "
                        "truncated\n");
}
