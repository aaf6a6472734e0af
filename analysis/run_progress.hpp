// The progress line of `moesim run` on a terminal: simulated time, how much of the workload is
// done, and an estimate of the wall time left.
#pragma once

#include <cstdint>
#include <string>

namespace moesim {

struct RunProgress {
  std::int64_t completed = 0;  // requests completed or rejected so far
  std::int64_t pulled = 0;     // requests read from the workload so far
  double simulated_s = 0;      // simulated clock
  double wall_s = 0;           // wall time since the simulation started
  std::int64_t total = 0;      // requests in the workload; 0: not known
  double span_s = 0;           // span of the workload's arrival times; 0: not known
};

// The share of the run done, in [0, 1]: completed / total when the total is known, else the
// simulated time over the arrival span (capped at 1) when that is known; negative when neither.
[[nodiscard]] double progress_share(const RunProgress& p);

// Wall seconds left at the rate so far: wall_s x (1 - share) / share; negative when the share
// is unknown, 0 or complete (nothing to extrapolate from, or only the drain after the last
// arrival left, whose length the span does not tell).
[[nodiscard]] double progress_eta_s(const RunProgress& p);

// One line, durations in the unit that fits (format_duration):
//   total known:  "simulated 12.30 s, 250 / 1000 requests (25.0%), ETA 3.000 s"
//   span known:   "simulated 12.30 s of 60.00 s (20.5%), 250 requests done, ETA ..."
//   neither:      "simulated 12.30 s, 250 requests done of 300 read"
// "ETA" is left out where progress_eta_s is negative.
[[nodiscard]] std::string progress_line(const RunProgress& p);

}  // namespace moesim
