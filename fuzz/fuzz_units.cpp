// libFuzzer target: the unit parser (models/units.hpp parse_quantity) in every dimension, and
// format_quantity on what it accepts.
#include <cmath>
#include <string_view>

#include "fuzz/fuzz_support.hpp"
#include "models/units.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using moesim::Dimension;
  using moesim::fuzz::require;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const Dimension d : {Dimension::kTime, Dimension::kBytes, Dimension::kBandwidth,
                            Dimension::kFlopRate, Dimension::kRate}) {
    moesim::fuzz::expected_errors([&] {
      const moesim::ParsedQuantity q = moesim::parse_quantity(text, d);
      require(q.value.has_value() != !q.error.empty(), "exactly one of value and error");
      if (q.value) {
        require(std::isfinite(*q.value), "a parsed quantity is finite");
        require(!moesim::format_quantity(*q.value, d).empty(), "format_quantity is not empty");
      }
    });
  }
  return 0;
}
