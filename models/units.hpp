// Strong unit types and the one unit parser. All values are stored in SI base units (seconds,
// bytes, FLOP) as double; conversions happen only in units.cpp.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace moesim {

template <class Tag>
class Quantity {
 public:
  constexpr Quantity() = default;
  constexpr explicit Quantity(double v) : v_(v) {}
  [[nodiscard]] constexpr double value() const { return v_; }
  constexpr Quantity operator+(Quantity o) const { return Quantity(v_ + o.v_); }
  constexpr Quantity operator-(Quantity o) const { return Quantity(v_ - o.v_); }
  constexpr Quantity operator*(double k) const { return Quantity(v_ * k); }
  constexpr Quantity operator/(double k) const { return Quantity(v_ / k); }
  constexpr double operator/(Quantity o) const { return v_ / o.v_; }
  constexpr Quantity& operator+=(Quantity o) {
    v_ += o.v_;
    return *this;
  }
  constexpr auto operator<=>(const Quantity&) const = default;

 private:
  double v_ = 0.0;
};

template <class Tag>
constexpr Quantity<Tag> operator*(double k, Quantity<Tag> q) {
  return q * k;
}

using Seconds = Quantity<struct SecondsTag>;
using Bytes = Quantity<struct BytesTag>;
using BytesPerSec = Quantity<struct BytesPerSecTag>;
using Flops = Quantity<struct FlopsTag>;
using FlopsPerSec = Quantity<struct FlopsPerSecTag>;
using PerSecond = Quantity<struct PerSecondTag>;  // event rates (requests per second)

constexpr Seconds operator/(Bytes b, BytesPerSec bw) { return Seconds(b.value() / bw.value()); }
constexpr Seconds operator/(Flops f, FlopsPerSec r) { return Seconds(f.value() / r.value()); }

// What a quantity measures; selects the units the parser accepts.
enum class Dimension { kTime, kBytes, kBandwidth, kFlopRate, kRate };

[[nodiscard]] std::string_view dimension_name(Dimension d);
// Example text for messages ("'2us' or '1.5ms'").
[[nodiscard]] std::string_view dimension_example(Dimension d);
// Units accepted for a dimension, comma separated, for messages.
[[nodiscard]] std::string dimension_units(Dimension d);

// Result of parsing "3.35TB/s": the SI value, or an error sentence.
struct ParsedQuantity {
  std::optional<double> value;
  std::string error;
};

// Parses "<number><unit>" (spaces allowed between) into SI base units of `d`. A bare number is an
// error: units are mandatory. Decimal prefixes (K, M, G, T, P) are powers of 1000, binary ones
// (Ki, Mi, Gi, Ti) powers of 1024; "b" (lower case) in a bandwidth means bits.
[[nodiscard]] ParsedQuantity parse_quantity(std::string_view text, Dimension d);

// Formats an SI value with a readable unit ("1.5 ms", "3.35 TB/s").
[[nodiscard]] std::string format_quantity(double value_si, Dimension d);

}  // namespace moesim
