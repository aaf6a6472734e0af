// The chaos test (README "Robustness"): a 12-point sweep is stopped again and again at seeded
// random moments (SIGKILL of the sweep, SIGKILL of a point, SIGINT of the sweep) and run once
// with its points' outputs failing (a file size limit: writes fail with EFBIG as on a full disk),
// each time followed by --resume; the final results.csv equals an uninterrupted run's byte for
// byte. A SIGINT leaves no temporary file. Seeded (std::mt19937), about 10-20 s on 2 cores.
#include <doctest/doctest.h>

#include <array>
#include <random>

#include "tests/sweep/chaos_support.hpp"
#include "tests/test_support.hpp"

using namespace moesim::test;

namespace {

// 2 x 3 x 2 = 12 points of 30 requests each; the points with 240 requests write steps.csv files
// of about 100 KB, so a 48 KB file size limit fails them and none of the sweep's own files.
const char* kChaosSweep = R"(name: chaos
seed: 11
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
    deployment.tp: [1, 2]
    serving.scheduler.max_num_seqs: [4, 8, 16]
    workload.source.requests: [30, 240]
  derived:
    deployment.ep: deployment.tp
)";

constexpr long kFileLimit = 48 * 1024;

std::vector<std::string> sweep_args(const std::string& dir, const std::string& out) {
  return {"sweep", dir + "/s.yaml", "--jobs", "2", "--quiet", "--resume", "--out", dir + "/" + out};
}

std::size_t count_in(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("chaos: a sweep killed, interrupted and failing at random moments, resumed, equals an uninterrupted run") {
  const std::string dir = temp_dir("sweep-chaos");
  write_text(dir + "/s.yaml", kChaosSweep);
  REQUIRE(wait_status(start_moesim(sweep_args(dir, "whole"), dir + "/whole.log")) == 0);
  const std::string whole = read_text(dir + "/whole/results.csv");
  REQUIRE(count_in(whole, ",ok,") == 12);

  std::mt19937 rng(20261207);
  const auto between = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int killed_points = 0, interrupted = 0, failed_by_limit = 0;
  // Two sweeps from scratch, each disturbed four times in the order that leaves work for the
  // next disturbance: outputs failing (the large points fail), SIGKILL of the sweep, SIGINT,
  // SIGKILL of a point (the sweep then runs to its end).
  for (int round = 0; round < 8; ++round) {
    const std::string out = "cut" + std::to_string(round / 4);
    const std::string log = dir + "/round" + std::to_string(round) + ".log";
    const int kind = (std::array<int, 4>{3, 0, 2, 1})[std::size_t(round % 4)];
    const pid_t pid = start_moesim(sweep_args(dir, out), log, kind == 3 ? kFileLimit : 0);
    if (kind == 0) {  // SIGKILL of the sweep: its points die with it
      sleep_ms(between(30, 600));
      kill(pid, SIGKILL);
      wait_status(pid);
    } else if (kind == 1) {  // SIGKILL of one point in flight
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      sleep_ms(between(0, 300));
      int st = 0;
      bool ended = false;
      while (std::chrono::steady_clock::now() < deadline) {
        const auto kids = children_of(pid);
        if (!kids.empty()) {
          killed_points += kill(kids[std::size_t(between(0, int(kids.size()) - 1))], SIGKILL) == 0;
          break;
        }
        if (waitpid(pid, &st, WNOHANG) == pid) {
          ended = true;
          break;
        }
        sleep_ms(5);
      }
      CHECK_MESSAGE((ended ? status_of(st) : wait_status(pid)) == 0, read_text(log));
    } else if (kind == 2) {  // SIGINT: exit 130, nothing but complete files
      // Once the sweep runs points (its handlers are installed: a slow start under a sanitizer
      // must not turn the signal into a kill before main), at a random moment.
      int st = 0;
      bool ended = false;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (!ended && children_of(pid).empty() && std::chrono::steady_clock::now() < deadline) {
        ended = waitpid(pid, &st, WNOHANG) == pid;
        sleep_ms(2);
      }
      if (!ended) {
        sleep_ms(between(0, 400));
        kill(pid, SIGINT);
        st = wait_status(pid);
      } else {
        st = status_of(st);
      }
      const std::string what = "status " + std::to_string(st) + ": " + read_text(log);
      CHECK_MESSAGE((st == 130 || st == 0), what);
      interrupted += st == 130;
      CHECK(temporaries(dir + "/" + out).empty());
    } else {  // outputs fail: the large points cannot write steps.csv
      CHECK_MESSAGE(wait_status(pid) == 0, read_text(log));
      failed_by_limit += int(count_in(read_text(dir + "/" + out + "/journal.jsonl"), "exit status 74"));
    }
    if (round % 4 == 3) {
      REQUIRE_MESSAGE(wait_status(start_moesim(sweep_args(dir, out), dir + "/last.log")) == 0,
                      read_text(dir + "/last.log"));
      CHECK(read_text(dir + "/" + out + "/results.csv") == whole);
      CHECK(temporaries(dir + "/" + out).empty());
    }
  }
  // The disturbances happened (with this seed): the test would pass vacuously otherwise.
  CHECK(killed_points > 0);
  CHECK(interrupted > 0);
  CHECK(failed_by_limit > 0);
}
