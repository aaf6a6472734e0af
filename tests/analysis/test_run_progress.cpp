// The run's progress line: share done, ETA from the wall rate, and what it says when the
// workload's size or span is not known.
#include <doctest/doctest.h>

#include "analysis/run_progress.hpp"

using namespace moesim;

TEST_CASE("known request count: share of requests done and ETA at the rate so far") {
  const RunProgress p{.completed = 250, .pulled = 300, .simulated_s = 12.3, .wall_s = 1.0,
                      .total = 1000};
  CHECK(progress_share(p) == doctest::Approx(0.25));
  CHECK(progress_eta_s(p) == doctest::Approx(3.0));  // 1 s for a quarter: 3 s for the rest
  CHECK(progress_line(p) == "simulated 12.30 s, 250 / 1000 requests (25.0%), ETA 3.000 s");
}

TEST_CASE("known arrival span: share of the span simulated") {
  const RunProgress p{.completed = 250, .pulled = 260, .simulated_s = 15, .wall_s = 2.0,
                      .span_s = 60};
  CHECK(progress_share(p) == doctest::Approx(0.25));
  CHECK(progress_eta_s(p) == doctest::Approx(6.0));
  CHECK(progress_line(p) ==
        "simulated 15.00 s of 60.00 s (25.0%), 250 requests done, ETA 6.000 s");
  // Past the span only the drain is left: no estimate.
  const RunProgress past{.completed = 990, .simulated_s = 75, .wall_s = 9.0, .span_s = 60};
  CHECK(progress_share(past) == 1.0);
  CHECK(progress_eta_s(past) < 0);
  CHECK(progress_line(past) == "simulated 75.00 s of 60.00 s (100.0%), 990 requests done");
}

TEST_CASE("neither known: counts only, no ETA") {
  const RunProgress p{.completed = 250, .pulled = 300, .simulated_s = 146.18585, .wall_s = 1.0};
  CHECK(progress_share(p) < 0);
  CHECK(progress_eta_s(p) < 0);
  CHECK(progress_line(p) == "simulated 146.2 s, 250 requests done of 300 read");
}

TEST_CASE("nothing done yet: no ETA") {
  const RunProgress p{.simulated_s = 0.5, .wall_s = 0.1, .total = 100};
  CHECK(progress_eta_s(p) < 0);
  CHECK(progress_line(p) == "simulated 500.0 ms, 0 / 100 requests (0.0%)");
}
