// `moesim validation`: the published-versus-predicted table on a tiny manifest (one cheap run of
// the shipped Pangu 800I A2 prefill scenario), a deliberately wrong published value reported as
// a miss, the files written with --out, and a malformed manifest's exit status 2.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/test_support.hpp"

using namespace moesim::test;

TEST_CASE("validation: a hit, a deliberate miss, the table's shape and the files") {
  const std::string dir = temp_dir("validation");
  const std::string scenario =
      std::string(MOESIM_SOURCE_DIR) + "/scenarios/validation/pangu-pro-moe-800i-a2-prefill.yaml";
  // Two requests of one output token each complete: requests_completed = 2 exactly, so the
  // first figure's error is 0. The second claims 2,000,000: a miss of -100.0%.
  write_text(dir + "/m.yaml",
             "figures:\n"
             "  - id: completed\n"
             "    scenario: " +
                 scenario +
                 "\n"
                 "    metric: requests_completed\n"
                 "    published: 2\n"
                 "    unit: requests\n"
                 "    source: analytic\n"
                 "  - id: wrong\n"
                 "    scenario: " +
                 scenario +
                 "\n"
                 "    set: [workload.source.requests=2]\n"
                 "    metric: requests_completed\n"
                 "    published: 2000000\n"
                 "    unit: requests\n"
                 "    source: deliberately wrong\n");
  const auto r = run_moesim("validation " + dir + "/m.yaml --quiet --out " + dir + "/out");
  CHECK(r.status == 0);
  CHECK(r.output ==
        "| figure | source | published | predicted | error % | within 15% |\n"
        "|---|---|---:|---:|---:|:---:|\n"
        "| completed | analytic | 2 requests | 2 | +0.0 | yes |\n"
        "| wrong | deliberately wrong | 2e+06 requests | 2 | -100.0 | no |\n"
        "\n1 of 2 figures within 15%\n");
  CHECK(std::filesystem::exists(dir + "/out/validation.md"));
  CHECK(std::filesystem::exists(dir + "/out/validation.csv"));
  CHECK(std::filesystem::exists(dir + "/out/runs/wrong/summary.json"));

  // A run that fails (an impossible layout) is a miss with its reason, not an abort.
  write_text(dir + "/f.yaml",
             "figures:\n"
             "  - id: broken\n"
             "    scenario: " +
                 scenario +
                 "\n"
                 "    set: [deployment.tp=3]\n"
                 "    metric: requests_completed\n"
                 "    published: 2\n"
                 "    unit: requests\n"
                 "    source: s\n");
  const auto f = run_moesim("validation " + dir + "/f.yaml --quiet");
  CHECK(f.status == 0);
  CHECK(f.output.find("| broken | s | 2 requests | - | - | no |") != std::string::npos);
  CHECK(f.output.find("- broken: exit status 2: ") != std::string::npos);
}

TEST_CASE("validation: a malformed manifest exits 2 naming file, line and key") {
  const std::string dir = temp_dir("validation-bad");
  write_text(dir + "/m.yaml", "figures:\n  - id: x\n    metric: a\n");
  const auto r = run_moesim("validation " + dir + "/m.yaml");
  CHECK(r.status == 2);
  CHECK(r.output.find(dir + "/m.yaml:2:5: error: figures[0]: missing required key 'scenario'") !=
        std::string::npos);
  CHECK(r.output.find("4 error(s)\n") != std::string::npos);
}

TEST_CASE("validation --set: one override for every figure, a bad one exits 2 before any run") {
  const std::string dir = temp_dir("validation-set");
  const std::string scenario =
      std::string(MOESIM_SOURCE_DIR) + "/scenarios/validation/pangu-pro-moe-800i-a2-prefill.yaml";
  write_text(dir + "/m.yaml",
             "figures:\n"
             "  - id: completed\n"
             "    scenario: " +
                 scenario +
                 "\n"
                 "    metric: requests_completed\n"
                 "    published: 2\n"
                 "    unit: requests\n"
                 "    source: analytic\n");
  // One request instead of two: the prediction follows the override (-50.0%).
  const auto r = run_moesim("validation " + dir + "/m.yaml --quiet --set workload.source.requests=1");
  CHECK(r.status == 0);
  CHECK(r.output.find("| completed | analytic | 2 requests | 1 | -50.0 | no |") != std::string::npos);
  const auto bad = run_moesim("validation " + dir + "/m.yaml --quiet --out " + dir +
                              "/out --set serving.no_such_key=1");
  CHECK(bad.status == 2);
  CHECK(bad.output.find("no_such_key") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/out"));
}
