// Cost figures from an hourly device price, with analytic answers.
#include <doctest/doctest.h>

#include <cmath>

#include "analysis/cost.hpp"

using namespace moesim;

TEST_CASE("cost: 8 devices for 1800 s at 2 $/h is 4 device-hours and 8 $") {
  // 8 x 1800 / 3600 = 4 device-hours; x 2 $/h = 8 $. 1,000,000 output tokens: 8 $ per million,
  // 125,000 tokens per $. 4,000,000 input tokens: 2 $ per million.
  const CostFigures c = cost_figures(2.0, 8, 1800.0, 4'000'000, 1'000'000);
  CHECK(c.price_per_device_hour == 2.0);
  CHECK(c.device_hours == doctest::Approx(4.0));
  CHECK(c.dollars == doctest::Approx(8.0));
  CHECK(c.dollars_per_million_output_tokens == doctest::Approx(8.0));
  CHECK(c.output_tokens_per_dollar == doctest::Approx(125'000.0));
  CHECK(c.dollars_per_million_input_tokens == doctest::Approx(2.0));
}

TEST_CASE("cost: one device for one hour at the price costs the price") {
  const CostFigures c = cost_figures(2.5, 1, 3600.0, 500, 1000);
  CHECK(c.device_hours == doctest::Approx(1.0));
  CHECK(c.dollars == doctest::Approx(2.5));
  CHECK(c.output_tokens_per_dollar == doctest::Approx(400.0));
  CHECK(c.dollars_per_million_input_tokens == doctest::Approx(5000.0));
}

TEST_CASE("cost: ratios over zero are undefined (NaN), never 0") {
  const CostFigures none = cost_figures(2.0, 8, 0.0, 0, 0);  // nothing simulated, nothing spent
  CHECK(none.dollars == 0.0);
  CHECK(std::isnan(none.output_tokens_per_dollar));
  CHECK(std::isnan(none.dollars_per_million_output_tokens));
  CHECK(std::isnan(none.dollars_per_million_input_tokens));
}
