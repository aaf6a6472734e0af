#include "cli/serving_replay.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <cctype>
#include <cstdio>
#include <filesystem>

#include "cli/args.hpp"
#include "models/errors.hpp"
#include "models/memory.hpp"
#include "scenarios/catalog.hpp"
#include "scenarios/loader.hpp"
#include "scenarios/simulation_factory.hpp"
#include "sim/simulation.hpp"

namespace moesim {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Requests in queued order, arriving at their queued time (engine clock, from the first one).
class ReplaySource final : public RequestSource {
 public:
  explicit ReplaySource(const ServingRun& run) : run_(run) {}
  std::optional<Request> next() override {
    if (i_ >= run_.requests.size()) return std::nullopt;
    const ServingRunRequest& r = run_.requests[i_];
    Request q;
    q.id = i_++;
    q.arrival = Seconds(r.queued);
    q.prompt_tokens = r.input_tokens;
    q.output_tokens = r.output_tokens;
    return q;
  }

 private:
  const ServingRun& run_;
  std::size_t i_ = 0;
};

class ReplayObserver final : public SimObserver {
 public:
  void on_step(const StepRecord& r) override {
    ++steps;
    double running = 0;
    for (std::int64_t n : r.rank_running) running += double(n);
    step_running.push_back({r.start.value(), running});
  }
  void on_itl(const std::vector<double>&) override {}
  void on_finished(const Sequence& s) override {
    const double start = s.prefill_start.value() >= 0 ? s.prefill_start.value() : s.req.arrival.value();
    rows.push_back({double(s.req.id), s.req.arrival.value(), start, s.first_token.value(),
                    s.finish.value(), double(s.req.output_tokens)});
  }
  void on_rejected(const Sequence&, const char*) override { ++rejected; }
  std::vector<std::array<double, 6>> rows;
  std::vector<std::array<double, 2>> step_running;  // start, running after planning
  long long steps = 0, rejected = 0;
};

bool write_all(int fd, const void* p, std::size_t n) {
  const char* c = static_cast<const char*>(p);
  while (n > 0) {
    const ssize_t w = write(fd, c, n);
    if (w <= 0) return false;
    c += w;
    n -= std::size_t(w);
  }
  return true;
}

}  // namespace

std::string hardware_preset_for(const std::string& device_name) {
  // Most specific names first ("H200" before "H20", "L40S" before "L40").
  static const std::pair<const char*, const char*> table[] = {
      {"rtx 4090", "rtx-4090"}, {"rtx pro 6000", "rtx-pro-6000"}, {"h200", "h200"},
      {"h100", "h100-sxm"},     {"h800", "h800"},                 {"h20", "h20"},
      {"b200", "b200"},         {"a100", "a100"},                 {"a800", "a800"},
      {"l40s", "l40s"},         {"l40", "l40"}};
  const std::string n = lower(device_name);
  for (const auto& [key, preset] : table) {
    if (n.find(key) != std::string::npos) return preset;
  }
  return "";
}

std::string model_preset_for(const std::string& hf_name) {
  // Llama 3.1 8B / 70B have Llama 3's dimensions (only the RoPE scaling and context differ).
  static const std::pair<const char*, const char*> table[] = {
      {"llama-3.1-8b", "llama-3-8b"},   {"llama-3-8b", "llama-3-8b"},
      {"llama-3.1-70b", "llama-3-70b"}, {"llama-3-70b", "llama-3-70b"},
      {"qwen3-30b-a3b", "qwen3-30b-a3b"}, {"qwen3-235b-a22b", "qwen3-235b-a22b"},
      {"mixtral-8x7b", "mixtral-8x7b"}, {"qwen2-7b", "qwen2-7b"}};
  const std::string n = lower(hf_name);
  for (const auto& [key, preset] : table) {
    if (n.find(key) != std::string::npos) return preset;
  }
  return "";
}

ReplayScenario replay_scenario(const ServingRun& run, const ReplayOptions& o) {
  const ServingRunMeta& m = run.meta;
  ReplayScenario sc;
  const std::string meta_path = (std::filesystem::path(run.dir) / "meta.json").string();
  // --hardware is the fallback for runs whose meta.json names no GPU; --set hardware=... overrides.
  sc.hardware = m.device_name.empty() ? o.hardware : hardware_preset_for(m.device_name);
  if (sc.hardware.empty())
    throw UsageError(meta_path + (m.device_name.empty()
                                      ? " names no GPU (hardware.device_name)"
                                      : " names GPU '" + m.device_name + "', which has no preset") +
                     ": pass --hardware PRESET (moesim describe hardware)");
  sc.model = o.model.empty() ? model_preset_for(m.model) : o.model;
  if (sc.model.empty())
    throw UsageError(meta_path + ": model '" + m.model +
                     "' has no preset: pass --model PRESET (moesim describe models)");
  sc.notes.push_back("hardware " + sc.hardware +
                     (m.device_name.empty() ? " (--hardware; meta.json names no GPU)"
                                            : " (from '" + m.device_name + "')"));
  sc.notes.push_back("model " + sc.model +
                     (o.model.empty() ? " (from '" + m.model + "')" : " (--model)"));
  const ModelArch arch = load_model_preset(sc.model);
  const Hardware hw = load_hardware_preset(sc.hardware);
  Parallel par;
  par.tp = m.tensor_parallel;
  // KV capacity: the engine's own block count when meta.json has it (less vLLM's null block),
  // written as the memory utilization that gives exactly that many blocks.
  double mu = m.gpu_memory_utilization;
  if (m.num_gpu_blocks) {
    const double blocks = double(*m.num_gpu_blocks - 1) + 0.5;
    const double kv = blocks * m.block_size * kv_bytes_per_token_per_device(arch, par).value();
    mu = (weights_per_device(arch, par).value() + kv) / hw.memory_capacity.value();
    mu = std::min(1.0, std::max(0.05, mu));
    sc.notes.push_back("KV cache " + std::to_string(*m.num_gpu_blocks - 1) + " blocks of " +
                       std::to_string(m.block_size) + " tokens (kv_cache.num_gpu_blocks less the "
                       "null block) = memory_utilization " + std::to_string(mu).substr(0, 6));
  } else {
    sc.notes.push_back("KV cache from gpu_memory_utilization " + std::to_string(mu).substr(0, 4) +
                       " (meta.json has no num_gpu_blocks)");
  }
  const bool chunked = m.chunked_prefill.value_or(true);
  const bool full = m.reserve_full_isl.value_or(true);
  // vLLM V1 turns prefix caching on by default: a preempted request's blocks stay cached.
  const bool reuse = m.prefix_caching.value_or(true);
  if (!m.prefix_caching) sc.notes.push_back("reuse_preempted_kv true (vLLM V1's default prefix caching)");
  const std::int64_t max_len = m.max_model_len.value_or(131072);
  if (!m.max_model_len) sc.notes.push_back("max_model_len 131072 (null in meta.json: Llama 3.1's)");
  if (!m.reserve_full_isl)
    sc.notes.push_back("reserve_full_prompt true (vLLM 0.19's default scheduler_reserve_full_isl)");
  char buf[2048];
  std::snprintf(
      buf, sizeof buf,
      "name: serving-%s\n"
      "seed: %lld\n"
      "model: %s\n"
      "hardware: %s\n"
      "cluster: {nodes: 1, devices_per_node: %d}\n"
      "deployment: {replicas: %d, tp: %d}\n"
      "serving:\n"
      "  scheduler: {name: vllm, max_num_seqs: %lld, max_num_batched_tokens: %lld,\n"
      "              chunked_prefill: %s, reserve_full_prompt: %s, admit_after_preemption: false}\n"
      "  router: least_outstanding_tokens\n"
      "  engine: %s\n"
      "  reuse_preempted_kv: %s\n"
      "  kv_block_size: %d\n"
      "  memory_utilization: %.17g\n"
      "  max_model_len: %lld\n"
      "workload: {source: {name: poisson, rate: 1/s}}  # replaced by the run's exact trace\n"
      "output: {requests_csv: false, steps_csv: false}\n",
      std::filesystem::path(run.dir).filename().string().c_str(), (long long)std::max<std::int64_t>(1, m.seed),
      sc.model.c_str(), sc.hardware.c_str(), m.tensor_parallel * m.data_parallel, m.data_parallel,
      m.tensor_parallel, (long long)m.max_num_seqs, (long long)m.max_num_batched_tokens,
      chunked ? "true" : "false", full ? "true" : "false", o.engine.c_str(),
      reuse ? "true" : "false", m.block_size, mu,
      (long long)max_len);
  sc.yaml = buf;
  return sc;
}

ReplayResult replay(const ServingRun& run, const ReplayScenario& sc,
                    const std::vector<std::string>& sets) {
  // Load in the parent so that scenario errors (a bad --set) surface with their diagnostics.
  const Scenario s = load_scenario_text(sc.yaml, "(serving run " + run.dir + ")", run.dir, sets);
  int fds[2];
  if (pipe(fds) != 0) throw InputError("cannot create a pipe for the replay");
  const pid_t pid = fork();
  if (pid < 0) throw InputError("cannot fork the replay");
  if (pid == 0) {
    close(fds[0]);
    int rc = 0;
    try {
      SimulationSetup setup = make_simulation_setup(s, true);
      setup.source = std::make_unique<ReplaySource>(run);
      ReplayObserver obs;
      const SimulationTotals t = run_simulation(setup, obs, nullptr);
      const double head[5] = {double(obs.rows.size()), double(obs.rejected), double(obs.steps),
                              double(t.preemptions), double(obs.step_running.size())};
      rc = write_all(fds[1], head, sizeof head) &&
                   write_all(fds[1], obs.rows.data(), obs.rows.size() * sizeof obs.rows[0]) &&
                   write_all(fds[1], obs.step_running.data(),
                             obs.step_running.size() * sizeof obs.step_running[0])
               ? 0
               : 3;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "moesim fidelity: replay failed: %s\n", e.what());
      rc = 2;
    }
    close(fds[1]);
    _exit(rc);
  }
  close(fds[1]);
  std::vector<char> bytes;
  char buf[4096];
  for (ssize_t got; (got = read(fds[0], buf, sizeof buf)) > 0;) bytes.insert(bytes.end(), buf, buf + got);
  close(fds[0]);
  std::vector<double> data(bytes.size() / sizeof(double));
  std::memcpy(data.data(), bytes.data(), data.size() * sizeof(double));
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || data.size() < 5 ||
      data.size() != 5 + 6 * std::size_t(data[0]) + 2 * std::size_t(data[4]))
    throw InputError("the replay of " + run.dir + " failed");
  ReplayResult r;
  r.rejected = (long long)data[1];
  r.steps = (long long)data[2];
  r.preemptions = (long long)data[3];
  std::vector<std::array<double, 6>> rows(static_cast<std::size_t>(data[0]));
  for (std::size_t i = 0; i < rows.size(); ++i)
    std::copy_n(data.begin() + std::ptrdiff_t(5 + 6 * i), 6, rows[i].begin());
  std::sort(rows.begin(), rows.end());  // by request id: deterministic order
  for (const auto& x : rows) r.requests.push_back({x[1], x[2], x[3], x[4], (std::int64_t)x[5]});
  const std::size_t at = 5 + 6 * rows.size();
  for (std::size_t i = 0; i < std::size_t(data[4]); ++i)
    r.step_running.push_back({data[at + 2 * i], data[at + 2 * i + 1]});
  return r;
}

}  // namespace moesim
