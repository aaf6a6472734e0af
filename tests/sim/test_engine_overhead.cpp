// Engine-overhead plug-ins (sim/engine_overhead.hpp) and the reuse of a preempted sequence's KV
// blocks (KvCache::set_reuse_preempted): analytic answers, no SimGrid.
#include <doctest/doctest.h>

#include <memory>

#include "models/collective_model.hpp"
#include "sim/engine_overhead.hpp"
#include "sim/instance.hpp"

using namespace moesim;

namespace {

ParamSet params(std::initializer_list<std::pair<const char*, double>> values) {
  ParamSet p;
  for (const auto& [k, v] : values) p.set(k, v);
  return p;
}

std::unique_ptr<EngineOverhead> linear(double per_step, double per_seq, double per_token,
                                       double per_output, double overlap) {
  return engine_overheads().create("vllm_v1", params({{"per_step", per_step},
                                                       {"per_sequence", per_seq},
                                                       {"per_token", per_token},
                                                       {"per_output_token", per_output},
                                                       {"overlap", overlap}}));
}

std::shared_ptr<const StepCostCalculator> dense_calculator() {
  ModelArch m;
  m.name = "tiny-dense";
  m.layers = 2;
  m.hidden = 256;
  m.heads = 4;
  m.kv_heads = 4;
  m.head_dim = 64;
  m.attention = AttentionKind::kMha;
  m.ffn_intermediate = 512;
  m.vocab = 1000;
  Hardware h;
  h.name = "toy";
  h.peak[DType::kBf16] = FlopsPerSec(100e12);
  h.memory_capacity = Bytes(16e9);
  h.memory_bandwidth = BytesPerSec(1e12);
  h.scale_up = {BytesPerSec(100e9), Seconds(1e-6), 8};
  h.scale_out = {BytesPerSec(10e9), Seconds(5e-6), 1};
  h.launch_overhead = Seconds(2e-6);
  return std::make_shared<StepCostCalculator>(m, h, Parallel{}, cost_models().create("roofline", {}),
                                              routing_models().create("uniform", {}),
                                              std::make_shared<LinkCollectiveModel>(h, 8));
}

// One step of 4 sequences (3 decoding, one 100-token prompt prefilled whole) on `engine`.
StepRecord one_step(std::shared_ptr<const EngineOverhead> engine) {
  Instance inst(0, dense_calculator(), schedulers().create("vllm", {}), KvCache(10000, 16), {},
                InstanceRole::kColocated, std::move(engine));
  static std::vector<std::unique_ptr<Sequence>> seqs;
  seqs.clear();
  for (int i = 0; i < 4; ++i) {
    Request r;
    r.id = std::uint64_t(i);
    r.prompt_tokens = i < 3 ? 50 : 100;
    r.output_tokens = 10;
    seqs.push_back(std::make_unique<Sequence>(r, 1));
  }
  for (int i = 0; i < 3; ++i) inst.enqueue(seqs[std::size_t(i)].get());
  std::vector<Sequence*> done;
  REQUIRE(inst.start_step(Seconds(0), true));  // prefills the first three prompts
  inst.finish_step(inst.step_end(), done);
  inst.enqueue(seqs[3].get());
  REQUIRE(inst.start_step(inst.step_end(), true));  // 3 decodes + the fourth prompt
  return inst.last_step();
}

}  // namespace

TEST_CASE("engine overhead registry: every preset, none by name, unknown names listed") {
  CHECK(engine_overheads().names() == std::vector<std::string>{"mindie", "none", "sglang", "vllm_v1"});
  CHECK_THROWS_WITH(engine_overheads().at("trt"),
                    "unknown engine 'trt'; valid: mindie, none, sglang, vllm_v1");
  CHECK(engine_overheads().create("none", {})->host_time({4, 100, 50, 4}).value() == 0);
}

TEST_CASE("engine overhead: the linear host time is exactly its modelled sum") {
  // 1 ms + 32 x 10 us + 40 x 1 us + 33 x 5 us = 1 + 0.32 + 0.04 + 0.165 ms = 1.525 ms
  const auto e = linear(1e-3, 10e-6, 1e-6, 5e-6, 0);
  const StepWork w{32, 40, 8, 33};
  CHECK(e->host_time(w).value() == doctest::Approx(1.525e-3).epsilon(1e-12));
  const HostTime h = e->apply(w, Seconds(0.02));
  CHECK(h.total.value() == doctest::Approx(1.525e-3).epsilon(1e-12));
  CHECK(h.exposed.value() == h.total.value());  // overlap 0: nothing hidden
}

TEST_CASE("engine overhead: overlap hides exactly its fraction, never more than the GPU time") {
  const StepWork w{10, 10, 0, 10};
  // host = 2 ms; overlap 0.25 behind a 10 ms GPU step hides 0.5 ms: 1.5 ms exposed
  CHECK(linear(2e-3, 0, 0, 0, 0.25)->apply(w, Seconds(10e-3)).exposed.value() ==
        doctest::Approx(1.5e-3).epsilon(1e-12));
  // overlap 1 behind a 0.5 ms GPU step hides only 0.5 ms: 1.5 ms exposed (step = max(gpu, host))
  CHECK(linear(2e-3, 0, 0, 0, 1)->apply(w, Seconds(0.5e-3)).exposed.value() ==
        doctest::Approx(1.5e-3).epsilon(1e-12));
  // overlap 1 behind a longer GPU step hides everything
  CHECK(linear(2e-3, 0, 0, 0, 1)->apply(w, Seconds(5e-3)).exposed.value() == 0);
}

TEST_CASE("engine overhead: a step lasts its accelerator time plus the modelled host time") {
  const StepRecord plain = one_step(nullptr);
  const StepRecord none = one_step(engine_overheads().create("none", {}));
  CHECK(none.duration.value() == plain.duration.value());
  CHECK(none.host.value() == 0);
  // 4 sequences, 3 + 100 = 103 tokens, 4 output tokens (3 decodes + the finished prompt):
  // 2 ms + 4 x 100 us + 103 x 1 us + 4 x 10 us = 2.543 ms
  const StepRecord with = one_step(linear(2e-3, 100e-6, 1e-6, 10e-6, 0));
  CHECK(with.sequences == 4);
  CHECK(with.tokens == 103);
  CHECK(with.host.value() == doctest::Approx(2.543e-3).epsilon(1e-12));
  CHECK(with.duration.value() - plain.duration.value() == doctest::Approx(2.543e-3).epsilon(1e-9));
  // overlap 0.5: half of it would hide, but this toy step's GPU time is shorter (tens of us),
  // so exactly the GPU time is hidden
  REQUIRE(plain.duration.value() < 2.543e-3 / 2);
  const StepRecord half = one_step(linear(2e-3, 100e-6, 1e-6, 10e-6, 0.5));
  CHECK(half.host.value() == doctest::Approx(2.543e-3 - plain.duration.value()).epsilon(1e-9));
  CHECK(half.duration.value() == doctest::Approx(2.543e-3).epsilon(1e-9));
}

TEST_CASE("KV reuse: a preempted sequence reclaims the blocks not yet allocated to others") {
  KvCache kv(10, 4);
  kv.set_reuse_preempted(true);
  Request ra, rb, rc;
  ra.id = 1;
  rb.id = 2;
  rc.id = 3;
  Sequence a(ra, 1), b(rb, 1), c(rc, 1);
  REQUIRE(kv.reserve(a, 16));  // 4 blocks; free queue: the 6 never used
  REQUIRE(kv.reserve(b, 8));   // 2 blocks; 4 free
  kv.release_preempted(a);     // queue: 4 free, then a's 4
  CHECK(kv.used() == 2);
  REQUIRE(kv.reserve(c, 24));  // 6 blocks: the 4 free, then 2 of a's (its tail)
  CHECK(kv.reclaim(a) == 2);   // a's first 2 blocks are still cached
  CHECK(kv.used() == 10);
  CHECK(a.kv_blocks == 2);
  CHECK(kv.reclaim(a) == 0);   // nothing left to reclaim
  kv.release(c);               // a finished sequence's blocks are not claimable
  CHECK(kv.reclaim(c) == 0);
}
