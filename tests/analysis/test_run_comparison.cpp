// `moesim compare` (analysis/run_comparison.hpp): ratios, units, missing values, labels, files.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "analysis/run_comparison.hpp"
#include "models/errors.hpp"

using namespace moesim;

namespace {

ComparedRun run_with(const std::string& dir, const std::string& summary_json) {
  ComparedRun r;
  r.dir = dir;
  r.summary = flatten_json(summary_json);
  return r;
}

std::string scratch(const std::string& name) {
  const auto p = std::filesystem::temp_directory_path() /
                 ("moesim-test-compare-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("compare: ratios to the first run, missing and null values, zero baselines") {
  std::vector<ComparedRun> runs = {
      run_with("a", R"({"throughput_output_tokens_per_s": 800, "tpot_s": {"p90": 0.02},
                        "preemptions": 0, "slo_attainment": null})"),
      run_with("b", R"({"throughput_output_tokens_per_s": 1000, "tpot_s": {"p90": 0.03},
                        "preemptions": 4, "slo_attainment": 0.5})")};
  const auto rows = compare_runs(runs, {"throughput_output_tokens_per_s", "tpot_s.p90",
                                        "preemptions", "slo_attainment", "not_a_key"});
  REQUIRE(rows.size() == 4);  // not_a_key is in neither run
  CHECK(*ratio_to_first(rows[0], 1) == doctest::Approx(1.25));
  CHECK(*ratio_to_first(rows[1], 1) == doctest::Approx(1.5));
  CHECK_FALSE(ratio_to_first(rows[2], 1));  // the first run's value is 0
  CHECK_FALSE(rows[3].values[0]);           // null is missing, not 0
  CHECK_FALSE(ratio_to_first(rows[3], 1));
  label_runs(runs);
  const std::string md = comparison_markdown(runs, rows);
  CHECK(md.find("| tpot_s.p90 | 20.00 ms | 30.00 ms (x1.5) |") != std::string::npos);
  CHECK(md.find("| slo_attainment | n/a | 0.5 |") != std::string::npos);
  CHECK(comparison_csv(runs, rows).find("throughput_output_tokens_per_s,800,1000,1.25\n") !=
        std::string::npos);
}

TEST_CASE("compare: durations as format_duration writes them, rates and counts as numbers") {
  CHECK(format_metric("ttft_s.mean", 2.5) == "2.500 s");
  CHECK(format_metric("ttft_s.p90", 0.0123) == "12.30 ms");
  CHECK(format_metric("tpot_s.p50", 4.5e-5) == "45.00 us");
  CHECK(format_metric("ttft_s.count", 300) == "300");
  CHECK(format_metric("throughput_output_tokens_per_s", 1234.5) == "1234");
  CHECK(format_metric("ttft_breakdown_mean_s.prefill", 0.5) == "500.0 ms");
  CHECK(format_metric("anything", std::nullopt) == "n/a");
  CHECK(format_metric("e2e_s.max", 1500) == "25.00 min");
  CHECK(format_metric("tpot_s.mean", 0) == "0 s");
}

TEST_CASE("compare: labels are folder names, whole paths where two names collide") {
  std::vector<ComparedRun> runs = {run_with("x/run", "{}"), run_with("y/run/", "{}"),
                                   run_with("z/other", "{}")};
  label_runs(runs);
  CHECK(runs[0].label == "x/run");
  CHECK(runs[1].label == "y/run/");
  CHECK(runs[2].label == "other");
}

TEST_CASE("compare: a run folder's files, and the errors that name them") {
  const std::string d = scratch("files");
  CHECK_THROWS_WITH_AS(load_compared_run(d), (d + "/summary.json: no such file (not a finished "
                                              "moesim run folder)").c_str(), InputError);
  write(d + "/summary.json", "{\n  \"ttft_s\": {\"mean\": 0.1},\n}\n");
  CHECK_THROWS_WITH_AS(load_compared_run(d),
                       (d + "/summary.json:3:1: JSON: syntax error while parsing object key - "
                            "unexpected '}'; expected string literal").c_str(),
                       InputError);
  write(d + "/summary.json", R"({"ttft_s": {"mean": 0.1}})");
  write(d + "/requests.csv",
        "id,status,ttft_s,tpot_s,e2e_s\n0,completed,0.1,0.01,1.0\n1,rejected: too long,,,\n"
        "2,completed,0.3,,2.0\n");
  const ComparedRun r = load_compared_run(d);
  CHECK(r.ttft_s == std::vector<double>{0.1, 0.3});
  CHECK(r.tpot_s == std::vector<double>{0.01});  // a one-token output has no TPOT
  CHECK(r.e2e_s == std::vector<double>{1.0, 2.0});
  write(d + "/requests.csv", "id,status,ttft_s,tpot_s,e2e_s\n0,completed,0.1,fast,1.0\n");
  CHECK_THROWS_WITH_AS(load_compared_run(d),
                       (d + "/requests.csv:2: 'fast' is not a number (column tpot_s)").c_str(),
                       InputError);
  write(d + "/requests.csv", "id,status,ttft\n");
  CHECK_THROWS_WITH_AS(load_compared_run(d),
                       (d + "/requests.csv:1: header lacks status, ttft_s, tpot_s or e2e_s").c_str(),
                       InputError);
  std::filesystem::remove_all(d);
}
