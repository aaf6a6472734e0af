// format_duration: the unit by magnitude, four significant figures, rounding across units.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "analysis/duration_format.hpp"

using namespace moesim;

TEST_CASE("each unit in its range, four significant figures") {
  CHECK(format_duration(0.000012) == "12.00 us");
  CHECK(format_duration(0.0123) == "12.30 ms");
  CHECK(format_duration(0.14618585) == "146.2 ms");
  CHECK(format_duration(146.18585) == "146.2 s");
  CHECK(format_duration(1.5) == "1.500 s");
  CHECK(format_duration(7200) == "120.0 min");
  CHECK(format_duration(1000) == "16.67 min");
  CHECK(format_duration(5e-7) == "0.5000 us");
  CHECK(format_duration(1e-6) == "1.000 us");
  CHECK(format_duration(1e-3) == "1.000 ms");
  CHECK(format_duration(1.0) == "1.000 s");
}

TEST_CASE("a value that rounds to 1000 of its unit moves to the next unit") {
  CHECK(format_duration(0.0009999996) == "1.000 ms");
  CHECK(format_duration(0.9999996) == "1.000 s");
  CHECK(format_duration(999.96) == "16.67 min");
  CHECK(format_duration(9.99996) == "10.00 s");  // carries a digit: still four figures
}

TEST_CASE("long durations print whole minutes") {
  CHECK(format_duration(600000) == "10000 min");
  CHECK(format_duration(1e6) == "16667 min");
}

TEST_CASE("zero, sign, undefined and infinite values") {
  CHECK(format_duration(0) == "0 s");
  CHECK(format_duration(-0.0123) == "-12.30 ms");
  CHECK(format_duration(std::numeric_limits<double>::quiet_NaN()) == "n/a");
  CHECK(format_duration(HUGE_VAL) == "inf s");
  CHECK(format_duration(-HUGE_VAL) == "-inf s");
}
