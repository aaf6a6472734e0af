// The simulated timeline as a Perfetto trace (`moesim run --timeline FILE.perfetto-trace`), to
// open in ui.perfetto.dev. Wire format: analysis/perfetto_trace.proto.
//
// Tracks, in this order:
//   "instance N (role)"          one slice "step" per step, annotated with the StepRecord
//     "instance N kv blocks used"  counter (child track): KV blocks held after each step, 0 at t=0
//   "requests"                   group; its children "requests lane K" hold one slice
//                                "request ID" per completed request, arrival -> finish, with an
//                                instant "first token" inside it
//   "kv transfers"               group (disaggregated runs only); children "kv transfers lane K"
//                                hold one slice "kv ID" per transfer, prefill end -> KV arrival
//   "rejected requests"          (only when some were) one instant "rejected ID" at arrival
// Times are nanoseconds of simulated time (rounded to the nearest ns). Perfetto needs the
// slices of one track to nest, so overlapping requests go to a pool of lanes: in order of
// (start, id) each takes the lowest lane that is free at its start (a lane frees at the end of
// its slice), which uses exactly as many lanes as the peak number of overlapping spans. The
// output depends only on what was observed, not on the order on_finished() saw it: equal runs
// give byte-identical files.
//
// Memory: everything is buffered until commit() (about 130 bytes per step and 150 per request,
// plus some 50 bytes per trace event while commit() runs), since a request's span is known only
// at its finish and lane assignment needs all spans. Fine for the run sizes moesim targets
// (millions of steps); writing steps as they come would be the next step if it ever is not.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/simulation.hpp"

namespace moesim {

// "colocated", "prefill" or "decode".
const char* role_name(InstanceRole r);

class TimelineWriter final : public SimObserver {
 public:
  // Forwards every call to `inner` (which must outlive this writer) before recording it.
  // `path`: the trace file, written by commit(). `roles[i]`: instance i's role (its track name);
  // instances seen in steps beyond roles.size() are named with role "unknown".
  TimelineWriter(SimObserver& inner, std::string path, std::vector<InstanceRole> roles);

  void on_step(const StepRecord& step) override;
  void on_itl(const std::vector<double>& gaps) override;
  void on_finished(const Sequence& s) override;
  void on_rejected(const Sequence& s, const char* reason) override;

  // Writes the trace to `path`, complete or absent (throws InputError on an I/O failure).
  // Call after the run; calling it again rewrites the same bytes.
  void commit() const;

  // The number of request lanes (= peak overlapping requests) commit() writes.
  [[nodiscard]] int request_lanes() const;

 private:
  struct RequestSpan {
    std::uint64_t id = 0;
    int instance = -1;
    std::int64_t arrival = 0, prefill_start = -1, prefill_end = -1, kv_arrival = -1;
    std::int64_t first_token = -1, finish = 0;  // ns; -1: never happened
    std::int64_t prompt_tokens = 0, output_tokens = 0, preemptions = 0, prefix_hit_tokens = 0;
    std::int64_t spec_rounds = 0, accepted_drafts = 0;
    // Seconds from the unrounded times, as in requests.csv (-1: not defined).
    double queue_s = -1, ttft_s = -1, e2e_s = 0, transfer_s = -1;
  };
  struct Rejection {
    std::uint64_t id = 0;
    std::int64_t arrival = 0, prompt_tokens = 0, output_tokens = 0;
    std::string reason;
  };
  struct Event;
  struct Interval {
    std::int64_t begin = 0, end = 0;
    std::uint64_t id = 0;
    std::size_t source = 0;  // index into requests_
  };

  // Lane of each interval (same order), lanes used in `lanes`.
  static std::vector<int> assign_lanes(const std::vector<Interval>& spans, int& lanes);
  [[nodiscard]] std::vector<Interval> request_intervals() const;
  [[nodiscard]] std::vector<Interval> transfer_intervals() const;
  [[nodiscard]] int instance_count() const;
  void write_packets(std::ostream& out) const;

  SimObserver& inner_;
  std::string path_;
  std::vector<InstanceRole> roles_;
  std::vector<StepRecord> steps_;
  std::vector<RequestSpan> requests_;
  std::vector<Rejection> rejections_;
};

}  // namespace moesim
