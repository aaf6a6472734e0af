// One request's state inside an instance.
#pragma once

#include <cstdint>

#include "models/rng.hpp"
#include "workloads/request.hpp"

namespace moesim {

struct Sequence {
  Sequence(Request r, std::uint64_t root_seed);

  Request req;
  std::int64_t context = 0;     // tokens whose KV is held
  std::int64_t to_prefill = 0;  // prompt tokens (plus, after a preemption, generated ones) left
  std::int64_t generated = 0;   // output tokens emitted so far
  std::int64_t kv_blocks = 0;   // blocks held in the instance's KV cache
  std::int64_t admitted_order = 0;  // admission counter (preemption picks the latest)
  // to_prefill + remaining_output() as last added to its instance's running total (Instance
  // keeps outstanding_tokens() without walking its queues).
  std::int64_t counted_tokens = 0;
  int instance = -1;
  int rank = 0;  // attention data-parallel rank inside the instance (per-rank scheduling)
  // Timeline and statistics (-1: not yet).
  Seconds prefill_start{-1};  // first prefill chunk scheduled
  Seconds prefill_end{-1};    // prompt fully prefilled (first token computed)
  Seconds kv_arrival{-1};     // disaggregated: KV landed on the decode instance
  Seconds first_token{-1};    // first token delivered to the user
  Seconds last_token{-1};
  Seconds finish{-1};
  double max_itl = 0;
  std::int64_t spec_rounds = 0;
  std::int64_t accepted_drafts = 0;
  std::int64_t preemptions = 0;
  std::int64_t prefix_hit_tokens = 0;  // prompt tokens served from a prefix cache
  bool delivered_first = false;  // disaggregated: the prefill's token reaches the user with the
                                 // first decode step
  RandomStream rng;  // this sequence's own stream: acceptance draws

  [[nodiscard]] bool prefilling() const { return to_prefill > 0; }
  [[nodiscard]] std::int64_t remaining_output() const { return req.output_tokens - generated; }
};

}  // namespace moesim
