// A measured serving run in the format of data/serving-runs (LLMServingSim's bench
// output): a folder with requests.jsonl (one request per line), meta.json (the engine's
// configuration) and timeseries.csv (engine statistics every tick).
//
// Clocks: queued_ts, scheduled_ts, first_token_ts and last_token_ts are the engine's monotonic
// clock (seconds, arbitrary origin); arrival_time is the client's wall clock (Unix seconds), a
// different clock that is read but never mixed with the others. Times below are on the engine
// clock relative to the earliest queued_ts; timeseries.csv's `t` counts ticks from about the same
// start.
//
// Every problem is an InputError "FILE:LINE: field: what" (a whole-file problem "FILE: ...").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moesim {

struct ServingRunRequest {
  std::string id;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  // Engine clock, seconds since the earliest queued_ts of the run.
  double queued = 0, scheduled = 0, first_token = 0, last_token = 0;
};

struct ServingRunMeta {
  std::string model;           // Hugging Face name ("meta-llama/Llama-3.1-8B")
  std::string engine_version;  // vllm_version
  int tensor_parallel = 1, data_parallel = 1;
  std::int64_t max_num_seqs = 0, max_num_batched_tokens = 0;
  std::optional<std::int64_t> max_model_len;  // null: the model's own limit
  std::int64_t num_requests = 0;
  std::int64_t seed = 0;
  double tick_seconds = 1;
  // kv_cache section (absent in older runs)
  std::optional<std::int64_t> num_gpu_blocks;
  int block_size = 16;                // vLLM's default when absent
  double gpu_memory_utilization = 0.9;  // vLLM's default when absent
  std::optional<bool> prefix_caching;   // kv_cache.enable_prefix_caching
  // resolved_config.scheduler_config (absent in older runs)
  std::optional<bool> chunked_prefill, async_scheduling, reserve_full_isl;
  std::string device_name;  // hardware.device_name, "" when absent
};

struct ServingRunTick {
  double t = 0;
  double running = 0, waiting = 0;
};

struct ServingRun {
  std::string dir;
  ServingRunMeta meta;
  std::vector<ServingRunRequest> requests;  // by queued time, then file order
  std::vector<ServingRunTick> ticks;
};

// Reads and checks DIR/{meta.json,requests.jsonl,timeseries.csv}: malformed lines, missing or
// mistyped fields, clock order queued <= scheduled <= first token <= last token, duplicate ids,
// request count against meta.json's num_requests, ticks in increasing order.
[[nodiscard]] ServingRun read_serving_run(const std::string& dir);

}  // namespace moesim
