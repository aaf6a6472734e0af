// moesim fidelity --serving: a tiny hand-written run (measured numbers worked out below), the
// shipped vLLM runs, and every malformed or inconsistent run file with its exact message.
#include <doctest/doctest.h>

#include <sstream>

#include "tests/test_support.hpp"

using namespace moesim::test;

namespace {

const char* kMeta = R"({
  "schema_version": 1,
  "model": "meta-llama/Llama-3.1-8B",
  "vllm_version": "0.19.0",
  "engine_kwargs": {"tensor_parallel_size": 1, "max_num_seqs": 4,
                    "max_num_batched_tokens": 512, "max_model_len": 4096, "seed": 1},
  "num_requests": 3,
  "tick_seconds": 1.0,
  "kv_cache": {"num_gpu_blocks": 2000, "block_size": 16, "enable_prefix_caching": true},
  "hardware": {"device_name": "NVIDIA GeForce RTX 4090"}
}
)";

// Engine clock from 1000 s. TTFT 0.5, 1.0, 0.25 (mean 0.5833, p50 0.5, p90 = p99 = 1.0);
// TPOT 0.2/2 = 0.1 and 0.5/1 = 0.5 (mean 0.3); E2E 0.7, 1.5, 0.25 (mean 0.8167); queueing
// (0 + 0.5 + 0)/3 = 0.1667; prefill (0.5 + 0.5 + 0.25)/3 = 0.4167; makespan 2 s; 6 output
// tokens: 3 tok/s. arrival_time is another clock (wall) and is not used.
const char* kRequests =
    R"({"request_id": "a", "input_toks": 100, "output_toks": 3, "arrival_time": 5.0, "queued_ts": 1000.0, "scheduled_ts": 1000.0, "first_token_ts": 1000.5, "last_token_ts": 1000.7}
{"request_id": "b", "input_toks": 200, "output_toks": 2, "arrival_time": 5.5, "queued_ts": 1000.5, "scheduled_ts": 1001.0, "first_token_ts": 1001.5, "last_token_ts": 1002.0}
{"request_id": "c", "input_toks": 50, "output_toks": 1, "arrival_time": 6.0, "queued_ts": 1001.0, "scheduled_ts": 1001.0, "first_token_ts": 1001.25, "last_token_ts": 1001.25}
)";

// Mean of the engine's running count: (2 + 0) / 2 = 1.
const char* kTicks = "t,prompt_throughput,gen_throughput,running,waiting,kv_cache_pct\n"
                     "1.0,300,2,2,0,1.0\n2.0,50,4,0,0,0.0\n";

std::string make_run(const std::string& name, const std::string& meta = kMeta,
                     const std::string& requests = kRequests, const std::string& ticks = kTicks) {
  const std::string dir = temp_dir("serving-" + name);
  write_text(dir + "/meta.json", meta);
  write_text(dir + "/requests.jsonl", requests);
  write_text(dir + "/timeseries.csv", ticks);
  return dir;
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

// Exit status 2 and exactly "moesim fidelity: error: " + `message` + "\n".
void fails_with(const std::string& dir, const std::string& message) {
  const auto r = run_moesim("fidelity --serving " + dir);
  CHECK(r.status == 2);
  CHECK(r.output == "moesim fidelity: error: " + message + "\n");
}

}  // namespace

TEST_CASE("fidelity --serving: the measured column of a hand-written run") {
  const std::string dir = make_run("tiny");
  const auto r = run_moesim("fidelity --serving " + dir + " --engine none");
  REQUIRE(r.status == 0);
  for (const char* row :
       {"| throughput (output tok/s) | 3 | ", "| TTFT mean (s) | 0.5833 | ", "| TTFT p50 (s) | 0.5 | ",
        "| TTFT p90 (s) | 1 | ", "| TTFT p99 (s) | 1 | ", "| TPOT mean (s) | 0.3 | ",
        "| TPOT p50 (s) | 0.1 | ", "| TPOT p90 (s) | 0.5 | ", "| E2E mean (s) | 0.8167 | ",
        "| E2E p50 (s) | 0.7 | ", "| E2E p90 (s) | 1.5 | ", "| queueing mean (s) | 0.1667 | ",
        "| prefill mean (s) | 0.4167 | ", "| running requests (engine count, mean) | 1 | ",
        "| in flight (scheduled to last token, mean) | 1 | ", "| makespan (s) | 2 | ",
        "- hardware rtx-4090 (from 'NVIDIA GeForce RTX 4090')",
        "- KV cache 1999 blocks of 16 tokens",
        "- simulated: "}) {
    CAPTURE(row);
    CHECK(r.output.find(row) != std::string::npos);
  }
  CHECK(r.output.find("3 of 3 requests") != std::string::npos);
  // Same inputs: byte-identical output.
  CHECK(run_moesim("fidelity --serving " + dir + " --engine none").output == r.output);
}

TEST_CASE("fidelity --serving: the engine overhead slows the replay by what it adds") {
  const std::string dir = make_run("engine");
  const auto none = run_moesim("fidelity --serving " + dir + " --engine none --json");
  const auto slow = run_moesim("fidelity --serving " + dir +
                               " --engine vllm_v1 --set serving.engine.per_step=50ms --json");
  REQUIRE(none.status == 0);
  REQUIRE(slow.status == 0);
  auto makespan = [](const std::string& json) {
    const auto at = json.find("\"metric\": \"makespan (s)\"");
    REQUIRE(at != std::string::npos);
    const auto p = json.find("\"predicted\": ", at);
    return std::stod(json.substr(p + 13));
  };
  CHECK(makespan(slow.output) > makespan(none.output) + 0.05);
}

TEST_CASE("fidelity --serving: malformed and inconsistent run files, file, line and field") {
  const std::string ok = make_run("ok");
  std::string d = make_run("json", kMeta, replace(kRequests, "\"b\", \"input_toks\"", "\"b\" \"input_toks\""));
  fails_with(d, d + "/requests.jsonl:2: malformed JSON: expected ',' or '}' after the value of "
                    "\"request_id\" (column 20)");
  d = make_run("missing", kMeta, replace(kRequests, "\"output_toks\": 2, ", ""));
  fails_with(d, d + "/requests.jsonl:2: output_toks: missing");
  d = make_run("count", kMeta, replace(kRequests, "\"output_toks\": 3", "\"output_toks\": 0"));
  fails_with(d, d + "/requests.jsonl:1: output_toks: expected an integer >= 1, got 0");
  d = make_run("clock", kMeta, replace(kRequests, "\"scheduled_ts\": 1001.0, \"first_token_ts\": 1001.5",
                                       "\"scheduled_ts\": 999.5, \"first_token_ts\": 1001.5"));
  fails_with(d, d + "/requests.jsonl:2: scheduled_ts: 999.5 is before queued_ts 1000.5 (the engine "
                    "clock must give queued_ts <= scheduled_ts <= first_token_ts <= last_token_ts)");
  d = make_run("last", kMeta, replace(kRequests, "\"last_token_ts\": 1000.7", "\"last_token_ts\": 1000.4"));
  fails_with(d, d + "/requests.jsonl:1: last_token_ts: 1000.4 is before first_token_ts 1000.5 (the "
                    "engine clock must give queued_ts <= scheduled_ts <= first_token_ts <= last_token_ts)");
  d = make_run("dup", kMeta, replace(kRequests, "\"request_id\": \"c\"", "\"request_id\": \"a\""));
  fails_with(d, d + "/requests.jsonl:3: request_id: \"a\" repeats line 1");
  d = make_run("num", replace(kMeta, "\"num_requests\": 3", "\"num_requests\": 4"));
  fails_with(d, d + "/meta.json:7: num_requests: 4, but " + d + "/requests.jsonl holds 3 requests");
  d = make_run("seqs", replace(kMeta, "\"max_num_seqs\": 4", "\"max_num_seqs\": \"4\""));
  fails_with(d, d + "/meta.json:5: engine_kwargs.max_num_seqs: expected an integer >= 1, got \"4\"");
  d = make_run("metajson", replace(kMeta, "\"num_requests\": 3,", "\"num_requests\": 3"));
  fails_with(d, d + "/meta.json:8:16: malformed JSON: syntax error while parsing object - "
                    "unexpected string literal; expected '}'");
  d = make_run("ticks", kMeta, kRequests, replace(kTicks, "2.0,50", "0.5,50"));
  fails_with(d, d + "/timeseries.csv:3: t: 0.5 does not follow 1 (ticks must increase)");
  d = make_run("tickcol", kMeta, kRequests, replace(kTicks, "running,", "busy,"));
  fails_with(d, d + "/timeseries.csv:1: header: missing column \"running\" (has: t, "
                    "prompt_throughput, gen_throughput, busy, waiting, kv_cache_pct)");
  d = make_run("gpu", replace(kMeta, "\"hardware\": {\"device_name\": \"NVIDIA GeForce RTX 4090\"}",
                              "\"hardware\": {}"));
  const auto r = run_moesim("fidelity --serving " + d);
  CHECK(r.status == 2);
  CHECK(r.output == "moesim fidelity: " + d + "/meta.json names no GPU (hardware.device_name): "
                    "pass --hardware PRESET (moesim describe hardware)\n");
  const auto absent = run_moesim("fidelity --serving " + ok + "/nothing");
  CHECK(absent.status == 2);
  CHECK(absent.output == "moesim fidelity: error: " + ok + "/nothing: not a folder\n");
}

TEST_CASE("fidelity --serving: the shipped vLLM 0.19 runs replay completely") {
  const std::string runs = std::string(MOESIM_SOURCE_DIR) + "/data/serving-runs/vllm-0.19/";
  const auto r = run_moesim("fidelity --serving " + runs + "rtx4090-llama-3.1-8b --serving " + runs +
                            "rtxpro6000-llama-3.1-8b --hardware rtx-pro-6000");
  REQUIRE(r.status == 0);
  CHECK(r.output.find("0 rejected, 300 of 300 requests") != std::string::npos);
  CHECK(r.output.find("Median absolute error over 2 run(s): throughput") != std::string::npos);
}
