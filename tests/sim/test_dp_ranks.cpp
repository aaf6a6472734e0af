// Attention data-parallel ranks that schedule on their own inside one instance: per-rank limits,
// the rank routers, an idle rank stepping with a busy one, and byte-identical runs.
#include <doctest/doctest.h>

#include <memory>
#include <sstream>

#include "models/collective_model.hpp"
#include "sim/instance.hpp"
#include "tests/test_support.hpp"

using namespace moesim;

namespace {

ModelArch tiny_moe() {
  ModelArch m;
  m.name = "tiny";
  m.layers = 2;
  m.hidden = 256;
  m.heads = 4;
  m.kv_heads = 4;
  m.head_dim = 64;
  m.attention = AttentionKind::kMha;
  m.ffn_intermediate = 512;
  m.moe = {8, 2, 128, 0, 0, 1, 0};
  m.vocab = 1000;
  return m;
}

// Two attention DP ranks, EP over both devices.
std::shared_ptr<const StepCostCalculator> calculator_dp2() {
  Hardware h;
  h.name = "toy";
  h.peak[DType::kBf16] = FlopsPerSec(100e12);
  h.memory_capacity = Bytes(16e9);
  h.memory_bandwidth = BytesPerSec(1e12);
  h.scale_up = {BytesPerSec(100e9), Seconds(1e-6), 8};
  h.scale_out = {BytesPerSec(10e9), Seconds(5e-6), 1};
  h.launch_overhead = Seconds(2e-6);
  Parallel p;
  p.dp = 2;
  p.ep = 2;
  return std::make_shared<StepCostCalculator>(
      tiny_moe(), h, p, cost_models().create("roofline", {}),
      routing_models().create("uniform", {}), std::make_shared<LinkCollectiveModel>(h, 8));
}

ParamSet max_seqs(std::int64_t n) {
  ParamSet p;
  p.set("max_num_seqs", n);
  return p;
}

Instance per_rank(std::int64_t seats, const std::string& router = "round_robin") {
  DpRanks r;
  for (int k = 0; k < 2; ++k) r.schedulers.push_back(schedulers().create("vllm", max_seqs(seats)));
  r.router = routers().create(router, {});
  return Instance(0, calculator_dp2(), std::move(r), KvCache(10000, 16), {});
}

std::vector<std::unique_ptr<Sequence>> make_sequences(int n, std::int64_t prompt,
                                                      std::int64_t output) {
  std::vector<std::unique_ptr<Sequence>> v;
  for (int i = 0; i < n; ++i) {
    Request r;
    r.id = std::uint64_t(i);
    r.prompt_tokens = prompt;
    r.output_tokens = output;
    v.push_back(std::make_unique<Sequence>(r, 5));
  }
  return v;
}

}  // namespace

TEST_CASE("router registry lists every router") {
  CHECK(routers().names() == std::vector<std::string>{"least_kv_usage", "least_outstanding_tokens",
                                                      "least_requests", "prefix_aware",
                                                      "round_robin"});
}

TEST_CASE("per-rank limits admit exactly max_num_seqs per rank") {
  // 10 requests, max_num_seqs 3: each of the two ranks admits 3 (6 in the step); one pooled
  // scheduler with the same limit admits 3.
  Instance ranks = per_rank(3);
  auto seqs = make_sequences(10, 32, 4);
  for (auto& s : seqs) ranks.enqueue(s.get());
  REQUIRE(ranks.start_step(Seconds(0), false));
  const StepRecord& r = ranks.last_step();
  CHECK(r.ranks == 2);
  CHECK(r.sequences == 6);
  CHECK(r.rank_sequences == std::vector<std::int64_t>{3, 3});
  CHECK(r.rank_tokens == std::vector<std::int64_t>{96, 96});
  CHECK(r.rank_running == std::vector<std::int64_t>{3, 3});
  CHECK(r.rank_waiting == std::vector<std::int64_t>{2, 2});

  Instance pooled(0, calculator_dp2(), schedulers().create("vllm", max_seqs(3)), KvCache(20000, 16), {});
  auto more = make_sequences(10, 32, 4);
  for (auto& s : more) pooled.enqueue(s.get());
  REQUIRE(pooled.start_step(Seconds(0), false));
  CHECK(pooled.last_step().sequences == 3);
  CHECK(pooled.last_step().ranks == 1);
}

TEST_CASE("least_requests places on the lowest 4 x waiting + running") {
  // Arrivals: s0 -> rank 0 (0 vs 0, lowest index); s1 -> rank 1 (4 vs 0); s2 -> rank 0 (4 vs 4).
  // After one step s1 (one output token) has finished: rank 0 runs 2, rank 1 nothing.
  // s3 -> rank 1 (2 vs 0); s4 -> rank 0 (2 vs 4 x 1 waiting; a waiting weight of 1 would pick
  // rank 1).
  Instance inst = per_rank(8, "least_requests");
  auto seqs = make_sequences(5, 16, 50);
  seqs[1]->req.output_tokens = 1;
  for (int i = 0; i < 3; ++i) inst.enqueue(seqs[std::size_t(i)].get());
  CHECK(seqs[0]->rank == 0);
  CHECK(seqs[1]->rank == 1);
  CHECK(seqs[2]->rank == 0);
  REQUIRE(inst.start_step(Seconds(0), true));
  std::vector<Sequence*> done;
  inst.finish_step(inst.step_end(), done);
  REQUIRE(done.size() == 1);
  CHECK(done[0] == seqs[1].get());
  const int r3 = inst.place(seqs[3]->req);
  const int r4 = inst.place(seqs[4]->req);
  CHECK(r3 == 1);
  CHECK(r4 == 0);
  CHECK(inst.waiting() == 2);  // placed, not yet enqueued
  inst.enqueue(seqs[3].get(), r3);
  inst.enqueue(seqs[4].get(), r4);
  CHECK(inst.waiting() == 2);
  CHECK(inst.running() == 2);
}

TEST_CASE("an idle DP rank steps with the busy one: the step ends with the busy rank") {
  // One request on rank 0; rank 1 runs the MoE layers with an empty batch. The step is rank 0's
  // own ops for the whole 64-token prompt plus the routed experts and all-to-all for 64 tokens:
  // its duration is rank 0's own time + experts + communication (tp = 1: only the EP
  // all-to-all), and longer than a pooled step, which spreads the prompt over both ranks.
  Instance inst = per_rank(4);
  auto seqs = make_sequences(1, 64, 3);
  inst.enqueue(seqs[0].get());
  REQUIRE(inst.start_step(Seconds(0), false));
  const StepRecord& r = inst.last_step();
  CHECK(r.rank_sequences == std::vector<std::int64_t>{1, 0});
  CHECK(r.slowest_rank == 0);
  CHECK(r.rank_own_s[1] == 0.0);
  CHECK(r.duration.value() ==
        doctest::Approx(r.rank_own_s[0] + (r.experts + r.communication).value()).epsilon(1e-12));
  BatchShape prompt;
  prompt.add_prefill(64, 0, true);
  CHECK(r.duration.value() ==
        doctest::Approx(calculator_dp2()->evaluate_ranks({prompt, BatchShape{}}).total.value())
            .epsilon(1e-12));
  CHECK(calculator_dp2()->evaluate(prompt).total < r.duration);
  // The request runs to completion on rank 0; every block returns.
  Seconds now = inst.step_end();
  int finished = 0;
  for (int guard = 0; guard < 10 && finished == 0; ++guard) {
    std::vector<Sequence*> done;
    inst.finish_step(now, done);
    finished += int(done.size());
    if (finished == 0) {
      REQUIRE(inst.start_step(now, false));
      now = inst.step_end();
    }
  }
  CHECK(finished == 1);
  CHECK(seqs[0]->generated == 3);
  CHECK(inst.kv_used() == 0);
}

TEST_CASE("more than one scheduler must match dp and come with a router") {
  DpRanks r;
  for (int k = 0; k < 3; ++k) r.schedulers.push_back(schedulers().create("vllm", {}));
  r.router = routers().create("round_robin", {});
  CHECK_THROWS_WITH_AS(Instance(0, calculator_dp2(), std::move(r), KvCache(100, 16), {}),
                       "instance 0: 3 rank schedulers for dp=2", std::invalid_argument);
}

TEST_CASE("per-rank DP runs: byte-identical twice, per-rank columns, not the pooled result") {
  using namespace moesim::test;
  const std::string scenario = R"(name: dp-ranks
seed: 3
model: qwen1.5-moe-a2.7b
hardware: h100-sxm
cluster: {devices_per_node: 2}
deployment: {dp: 2, ep: 2}
serving:
  scheduler: {name: vllm, max_num_seqs: 8, max_num_batched_tokens: 2048}
workload:
  source: {name: poisson, rate: 40/s, requests: 120}
  lengths: {name: lognormal, prompt_median: 400, prompt_sigma: 0.7, output_median: 60, output_sigma: 0.5}
)";
  const std::string dir = temp_dir("dp-ranks");
  write_text(dir + "/s.yaml", scenario);
  auto run = [&](const std::string& out, const std::string& sets) {
    const auto r = run_moesim("run " + dir + "/s.yaml --quiet --check --out " + dir + "/" + out +
                              " " + sets);
    REQUIRE_MESSAGE(r.status == 0, r.output);
    return dir + "/" + out;
  };
  const std::string a = run("a", "");
  const std::string b = run("b", "");
  const std::string pooled = run("p", "--set serving.dp_scheduling=pooled");
  CHECK(read_text(a + "/steps.csv") == read_text(b + "/steps.csv"));
  CHECK(read_text(a + "/requests.csv") == read_text(b + "/requests.csv"));
  CHECK(read_text(a + "/requests.csv") != read_text(pooled + "/requests.csv"));
  std::istringstream steps(read_text(a + "/steps.csv"));
  std::string line;
  std::getline(steps, line);
  CHECK(line.find(",target_efficiency,gamma,ranks,slowest_rank,rank_tokens,rank_sequences,rank_running,"
                  "rank_waiting,rank_kv_blocks,rank_own_s") != std::string::npos);
  std::getline(steps, line);
  CHECK(line.find(",2,0,") != std::string::npos);  // two ranks, the first step's work on rank 0
  std::filesystem::remove_all(dir);
}

// The instance's running total of outstanding tokens spans every rank's queues (admissions on
// each rank are recounted after planning) and equals a walk of them at every step.
TEST_CASE("outstanding tokens over DP ranks: the running total equals a walk of every rank") {
  Instance inst = per_rank(3);
  auto seqs = make_sequences(10, 32, 4);
  for (auto& s : seqs) inst.enqueue(s.get());
  CHECK(inst.outstanding_tokens() == 10 * (32 + 4));
  Seconds now{0};
  int finished = 0;
  for (int guard = 0; guard < 10000 && finished < 10; ++guard) {
    REQUIRE(inst.start_step(now, false));
    CHECK(inst.outstanding_tokens() == inst.outstanding_tokens_recounted());
    now = inst.step_end();
    std::vector<Sequence*> done;
    inst.finish_step(now, done);
    finished += int(done.size());
    CHECK(inst.outstanding_tokens() == inst.outstanding_tokens_recounted());
  }
  CHECK(finished == 10);
  CHECK(inst.outstanding_tokens() == 0);
}
