// Collects what a run produces as it happens: per-request and per-step rows (streamed to
// requests.csv and steps.csv when an output folder is given) and the samples behind the summary.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/atomic_file.hpp"
#include "analysis/distribution.hpp"
#include "analysis/sample.hpp"
#include "sim/simulation.hpp"

namespace moesim {

struct SloTargets {
  std::optional<double> ttft_s, tpot_s, e2e_s;
};

class MetricsCollector final : public SimObserver {
 public:
  // Empty `dir`: nothing is written (used by baseline runs).
  MetricsCollector(const std::string& dir, bool requests_csv, bool steps_csv, SloTargets slo);

  void on_step(const StepRecord& step) override;
  void on_itl(const std::vector<double>& gaps) override;
  void on_finished(const Sequence& s) override;
  void on_rejected(const Sequence& s, const char* reason) override;

  // Closes the CSV files (renaming them into place).
  void commit();
  // The two halves of commit(): finish() completes the CSV files under their temporary names
  // (OutputError on a write failure), publish() renames them into place.
  void finish();
  void publish();

  // Samples and totals for the summary.
  LatencySample ttft, tpot, itl, e2e;
  // TTFT split: queueing (arrival -> first prefill chunk), prefill (-> prompt done), KV transfer
  // (-> KV on the decode instance; 0 when colocated), first decode (-> first token delivered).
  double ttft_queue_sum = 0, ttft_prefill_sum = 0, ttft_kv_sum = 0, ttft_decode_sum = 0;
  std::int64_t prefix_hit_tokens = 0;
  std::int64_t input_tokens = 0, output_tokens = 0;
  std::int64_t slo_met = 0;
  double batch_sum = 0;  // sum over steps of sequences in the step
  std::int64_t steps = 0;
  std::int64_t spec_rounds = 0, accepted_drafts = 0;
  double efficiency_sum = 0;
  std::int64_t efficiency_steps = 0;
  double gamma_sum = 0;  // draft lengths of the steps with decodes (speculative.policy)
  std::int64_t gamma_steps = 0;
  double busy_time = 0;  // sum of step durations
  SloTargets slo;

 private:
  std::unique_ptr<AtomicFile> requests_, steps_;
};

}  // namespace moesim
