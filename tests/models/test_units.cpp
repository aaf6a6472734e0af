// The one unit parser: every accepted form converts to SI base units, units are mandatory, an
// unknown unit lists the valid ones, and formatted text parses back to the same value.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "models/units.hpp"

using namespace moesim;

namespace {

// Relative comparison (doctest's default scale of 1 would make tiny SI values pass trivially).
doctest::Approx rel(double x, double e = 1e-12) { return doctest::Approx(x).epsilon(e).scale(0); }

double parsed(const char* text, Dimension d) {
  const ParsedQuantity q = parse_quantity(text, d);
  REQUIRE_MESSAGE(q.value.has_value(), text, ": ", q.error);
  CHECK(q.error.empty());
  return *q.value;
}

}  // namespace

TEST_CASE("parse_quantity: decimal bandwidth prefixes are powers of 1000") {
  // TB = 1e12 B, so 3.35 TB/s = 3.35 * 1e12 B/s = 3.35e12 B/s.
  CHECK(parsed("3.35TB/s", Dimension::kBandwidth) == rel(3.35e12));
  // 400 GB/s = 400 * 1e9 = 4e11 B/s.
  CHECK(parsed("400GB/s", Dimension::kBandwidth) == rel(4e11));
}

TEST_CASE("parse_quantity: lower-case b in a bandwidth means bits") {
  // 400 Gb/s = 400e9 bit/s / 8 bit per byte = 50e9 B/s.
  CHECK(parsed("400Gb/s", Dimension::kBandwidth) == rel(50e9));
  // 1 b/s = 1/8 B/s = 0.125 B/s.
  CHECK(parsed("1b/s", Dimension::kBandwidth) == rel(0.125));
}

TEST_CASE("parse_quantity: binary byte prefixes are powers of 1024") {
  // GiB = 2^30 B, so 80 GiB = 80 * 1073741824 = 85899345920 B (exact in double).
  CHECK(parsed("80GiB", Dimension::kBytes) == 80.0 * 1073741824.0);
  CHECK(parsed("80GiB", Dimension::kBytes) == 85899345920.0);
  // 512 MB (decimal) = 512e6 B, which is not 512 MiB = 536870912 B.
  CHECK(parsed("512MB", Dimension::kBytes) == rel(512e6));
  CHECK(parsed("512MiB", Dimension::kBytes) == 536870912.0);
}

TEST_CASE("parse_quantity: times") {
  // 1.5 ms = 1.5 * 1e-3 s = 1.5e-3 s.
  CHECK(parsed("1.5ms", Dimension::kTime) == rel(1.5e-3));
  // 2 us = 2 * 1e-6 s = 2e-6 s.
  CHECK(parsed("2us", Dimension::kTime) == rel(2e-6));
  // 3 min = 180 s; 1 h = 3600 s; 7 ns = 7e-9 s.
  CHECK(parsed("3min", Dimension::kTime) == rel(180.0));
  CHECK(parsed("1h", Dimension::kTime) == rel(3600.0));
  CHECK(parsed("7ns", Dimension::kTime) == rel(7e-9));
}

TEST_CASE("parse_quantity: compute and event rates") {
  // 989 TFLOP/s = 989 * 1e12 FLOP/s = 9.89e14 FLOP/s (an H100 SXM's dense BF16 peak).
  CHECK(parsed("989TFLOP/s", Dimension::kFlopRate) == rel(989e12));
  // 10/s is 10 events per second; 120/min = 120/60 = 2/s.
  CHECK(parsed("10/s", Dimension::kRate) == rel(10.0));
  CHECK(parsed("120/min", Dimension::kRate) == rel(2.0));
}

TEST_CASE("parse_quantity: spaces around the number and the unit are allowed") {
  CHECK(parsed("  1.5 ms ", Dimension::kTime) == rel(1.5e-3));
  CHECK(parsed("3.35 TB/s", Dimension::kBandwidth) == rel(3.35e12));
}

TEST_CASE("parse_quantity: a bare number is an error: units are mandatory") {
  const ParsedQuantity q = parse_quantity("80", Dimension::kBytes);
  CHECK_FALSE(q.value.has_value());
  CHECK(q.error.find("missing unit") != std::string::npos);
  CHECK(q.error == "missing unit: expected a size in bytes such as '80GiB' or '512MB', got '80'");

  const ParsedQuantity t = parse_quantity("1.5", Dimension::kTime);
  CHECK_FALSE(t.value.has_value());
  CHECK(t.error.find("missing unit") != std::string::npos);
}

TEST_CASE("parse_quantity: an unknown unit lists the valid units") {
  // GB/s is a bandwidth, not a size.
  const ParsedQuantity q = parse_quantity("80GB/s", Dimension::kBytes);
  CHECK_FALSE(q.value.has_value());
  CHECK(q.error ==
        "unknown unit 'GB/s' for a size in bytes; valid units: B, KB, MB, GB, TB, KiB, MiB, GiB, "
        "TiB");

  const ParsedQuantity t = parse_quantity("2 fortnights", Dimension::kTime);
  CHECK_FALSE(t.value.has_value());
  CHECK(t.error == "unknown unit 'fortnights' for a time; valid units: ns, us, ms, s, min, h");
}

TEST_CASE("parse_quantity: text that is not a number is an error with an example") {
  const ParsedQuantity q = parse_quantity("fast", Dimension::kBandwidth);
  CHECK_FALSE(q.value.has_value());
  CHECK(q.error == "expected a bandwidth such as '3.35TB/s' or '400Gb/s', got 'fast'");
}

TEST_CASE("format_quantity: readable text with the largest unit not above the value") {
  CHECK(format_quantity(1.5e-3, Dimension::kTime) == "1.5 ms");
  CHECK(format_quantity(2e-6, Dimension::kTime) == "2 us");
  CHECK(format_quantity(3.35e12, Dimension::kBandwidth) == "3.35 TB/s");
  CHECK(format_quantity(80.0 * 1073741824.0, Dimension::kBytes) == "80 GiB");
  CHECK(format_quantity(989e12, Dimension::kFlopRate) == "989 TFLOP/s");
  CHECK(format_quantity(10.0, Dimension::kRate) == "10 /s");
}

TEST_CASE("format_quantity then parse_quantity round trips (4 significant digits)") {
  struct Case {
    double value;
    Dimension dim;
  };
  const Case cases[] = {
      {1.5e-3, Dimension::kTime},         {2e-6, Dimension::kTime},
      {7e-9, Dimension::kTime},           {42.0, Dimension::kTime},
      {7200.0, Dimension::kTime},         {3.35e12, Dimension::kBandwidth},
      {50e9, Dimension::kBandwidth},      {1.2e6, Dimension::kBandwidth},
      {80.0 * 1073741824.0, Dimension::kBytes}, {512.0 * 1048576.0, Dimension::kBytes},
      {300.0, Dimension::kBytes},         {989e12, Dimension::kFlopRate},
      {1.979e15, Dimension::kFlopRate},   {10.0, Dimension::kRate},
  };
  for (const auto& c : cases) {
    const std::string text = format_quantity(c.value, c.dim);
    CAPTURE(text);
    const ParsedQuantity back = parse_quantity(text, c.dim);
    REQUIRE(back.value.has_value());
    // "%.4g" keeps 4 significant digits: relative error at most 5e-4; these values need fewer.
    CHECK(*back.value == doctest::Approx(c.value).epsilon(5e-4).scale(0));
  }
}

TEST_CASE("dimension_units lists every accepted unit of a dimension") {
  CHECK(dimension_units(Dimension::kRate) == "/s, /min, /h, Hz, kHz, MHz, GHz");
  CHECK(dimension_units(Dimension::kFlopRate) ==
        "FLOP/s, GFLOP/s, TFLOP/s, PFLOP/s, TOP/s, TOPS, TFLOPS");
}

TEST_CASE("parse_quantity: a finite number whose SI value overflows is out of range") {
  // Found by fuzz_units (fuzz/README.md): 1e300 x 2^40 is infinite and used to be accepted.
  const ParsedQuantity q = parse_quantity("1e300TiB", Dimension::kBytes);
  CHECK_FALSE(q.value.has_value());
  CHECK(q.error == "out of range: '1e300TiB' is beyond what a size in bytes can hold");
  CHECK(parse_quantity("1e300B", Dimension::kBytes).value == doctest::Approx(1e300));
}
