// An instance driven by hand (no SimGrid): scheduling, KV accounting, preemption, speculation.
#include <doctest/doctest.h>

#include <memory>

#include "models/collective_model.hpp"
#include "sim/instance.hpp"

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

Hardware toy_hardware() {
  Hardware h;
  h.name = "toy";
  h.peak[DType::kBf16] = FlopsPerSec(100e12);
  h.memory_capacity = Bytes(16e9);
  h.memory_bandwidth = BytesPerSec(1e12);
  h.scale_up = {BytesPerSec(100e9), Seconds(1e-6), 8};
  h.scale_out = {BytesPerSec(10e9), Seconds(5e-6), 1};
  h.launch_overhead = Seconds(2e-6);
  return h;
}

std::shared_ptr<const StepCostCalculator> calculator() {
  const Hardware h = toy_hardware();
  return std::make_shared<StepCostCalculator>(
      tiny_moe(), h, Parallel{}, cost_models().create("roofline", {}),
      routing_models().create("uniform", {}), std::make_shared<LinkCollectiveModel>(h, 8));
}

std::unique_ptr<Scheduler> scheduler(const std::string& name, ParamSet p = {}) {
  return schedulers().create(name, p);
}

struct Outcome {
  int finished = 0;
  std::int64_t preemptions = 0;
  std::int64_t max_used = 0;
};

// Runs all sequences to completion, checking KV accounting after every step.
Outcome drive(Instance& inst, std::vector<std::unique_ptr<Sequence>>& seqs) {
  for (auto& s : seqs) inst.enqueue(s.get());
  Outcome o;
  Seconds now{0};
  for (int guard = 0; guard < 100000 && o.finished < int(seqs.size()); ++guard) {
    REQUIRE(inst.start_step(now, false));
    now = inst.step_end();
    std::vector<Sequence*> done;
    inst.finish_step(now, done);
    o.finished += int(done.size());
    o.max_used = std::max(o.max_used, inst.kv().used());
    CHECK(inst.kv().used() <= inst.kv().capacity());
  }
  o.preemptions = inst.preemptions();
  return o;
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

TEST_CASE("scheduler registry lists every policy") {
  CHECK(schedulers().names() == std::vector<std::string>{"decode_priority", "static", "vllm"});
}

TEST_CASE("KV cache: blocks are counted, refused when short, and returned") {
  KvCache kv(10, 16);
  Sequence s(Request{0, Seconds(0), 10, 10, {}}, 1);
  CHECK(kv.reserve(s, 33));  // ceil(33/16) = 3 blocks
  CHECK(kv.used() == 3);
  CHECK_FALSE(kv.reserve(s, 200));  // 13 blocks > 10
  CHECK(kv.used() == 3);
  kv.release(s);
  CHECK(kv.used() == 0);
  CHECK(kv.peak() == 3);
}

TEST_CASE("ample KV: every sequence finishes with exactly its output, no preemption") {
  Instance inst(0, calculator(), scheduler("vllm"), KvCache(10000, 16), {});
  auto seqs = make_sequences(20, 100, 30);
  const Outcome o = drive(inst, seqs);
  CHECK(o.finished == 20);
  CHECK(o.preemptions == 0);
  CHECK(inst.kv().used() == 0);
  for (const auto& s : seqs) {
    CHECK(s->generated == 30);
    CHECK(s->first_token.value() > 0);
    CHECK(s->finish >= s->first_token);
  }
}

TEST_CASE("scarce KV: preemption by recompute, still exact outputs, all blocks return") {
  // 8 sequences of 100 + 60 tokens need 8 * 10 = 80 blocks at the end; 40 blocks force
  // preemptions.
  Instance inst(0, calculator(), scheduler("vllm"), KvCache(40, 16), {});
  auto seqs = make_sequences(8, 100, 60);
  const Outcome o = drive(inst, seqs);
  CHECK(o.finished == 8);
  CHECK(o.preemptions > 0);
  CHECK(o.max_used <= 40);
  CHECK(inst.kv().used() == 0);
  for (const auto& s : seqs) CHECK(s->generated == 60);
}

TEST_CASE("chunked prefill respects max_num_batched_tokens") {
  ParamSet p;
  p.set("max_num_batched_tokens", std::int64_t(64));
  Instance inst(0, calculator(), scheduler("vllm", p), KvCache(10000, 16), {});
  auto seqs = make_sequences(3, 200, 5);
  for (auto& s : seqs) inst.enqueue(s.get());
  Seconds now{0};
  int finished = 0;
  while (finished < 3) {
    REQUIRE(inst.start_step(now, false));
    CHECK(inst.last_step().tokens <= 64);
    now = inst.step_end();
    std::vector<Sequence*> done;
    inst.finish_step(now, done);
    finished += int(done.size());
  }
}

TEST_CASE("speculation: tokens per round match the acceptance model on average") {
  ParamSet a;
  a.set("alpha", 0.6);
  SpeculationSetup spec;
  spec.gamma = 3;
  spec.method = speculation_methods().create("ngram", {});
  spec.acceptance = acceptance_models().create("iid", a);
  Instance inst(0, calculator(), scheduler("vllm"), KvCache(100000, 16), spec);
  auto seqs = make_sequences(50, 64, 400);
  const Outcome o = drive(inst, seqs);
  CHECK(o.finished == 50);
  std::int64_t rounds = 0, accepted = 0;
  for (const auto& s : seqs) {
    rounds += s->spec_rounds;
    accepted += s->accepted_drafts;
    CHECK(s->generated == 400);
  }
  // E[accepted] = tau - 1 = (1 - 0.6^4)/(1 - 0.6) - 1 = 1.176; the last round of each sequence
  // may draft fewer than 3, so allow 3%.
  CHECK(double(accepted) / double(rounds) == doctest::Approx(1.176).epsilon(0.03));
}

TEST_CASE("static batching waits for a full batch while arrivals continue") {
  ParamSet p;
  p.set("batch_size", std::int64_t(4));
  Instance inst(0, calculator(), scheduler("static", p), KvCache(10000, 16), {});
  auto seqs = make_sequences(3, 50, 5);
  for (auto& s : seqs) inst.enqueue(s.get());
  CHECK_FALSE(inst.start_step(Seconds(0), true));  // 3 of 4: wait
  CHECK(inst.start_step(Seconds(0), false));       // no more arrivals: go
  CHECK(inst.last_step().sequences == 3);
}

// outstanding_tokens() is a running total kept through admissions, preemptions (recompute adds
// the context back to prefill), cached-block reclaims and completions (reliability issue, item
// 13: walking the queues on every arrival made bursts quadratic). It must equal the walk.
TEST_CASE("outstanding tokens: the running total equals a walk of the queues") {
  for (const bool reuse : {false, true}) {
    CAPTURE(reuse);
    KvCache kv(40, 16);  // scarce: preemptions
    kv.set_reuse_preempted(reuse);
    Instance inst(0, calculator(), scheduler("vllm"), kv, {});
    auto seqs = make_sequences(8, 100, 60);
    std::int64_t expected = 0;
    for (auto& s : seqs) {
      inst.enqueue(s.get());
      expected += 100 + 60;
    }
    CHECK(inst.outstanding_tokens() == expected);
    Seconds now{0};
    int finished = 0;
    for (int guard = 0; guard < 100000 && finished < 8; ++guard) {
      REQUIRE(inst.start_step(now, false));
      CHECK(inst.outstanding_tokens() == inst.outstanding_tokens_recounted());
      now = inst.step_end();
      std::vector<Sequence*> done;
      inst.finish_step(now, done);
      finished += int(done.size());
      CHECK(inst.outstanding_tokens() == inst.outstanding_tokens_recounted());
    }
    CHECK(finished == 8);
    CHECK(inst.preemptions() > 0);
    CHECK(inst.outstanding_tokens() == 0);
  }
}
