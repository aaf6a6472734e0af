#include "models/units.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>

namespace moesim {
namespace {

struct UnitEntry {
  std::string_view name;
  double factor;  // SI value of one unit
};

constexpr std::array kTimeUnits{UnitEntry{"ns", 1e-9}, UnitEntry{"us", 1e-6},
                                UnitEntry{"ms", 1e-3}, UnitEntry{"s", 1.0},
                                UnitEntry{"min", 60.0}, UnitEntry{"h", 3600.0}};
constexpr std::array kByteUnits{
    UnitEntry{"B", 1.0},           UnitEntry{"KB", 1e3},          UnitEntry{"MB", 1e6},
    UnitEntry{"GB", 1e9},          UnitEntry{"TB", 1e12},         UnitEntry{"KiB", 1024.0},
    UnitEntry{"MiB", 1048576.0},   UnitEntry{"GiB", 1073741824.0},
    UnitEntry{"TiB", 1099511627776.0}};
constexpr std::array kBandwidthUnits{
    UnitEntry{"B/s", 1.0},       UnitEntry{"KB/s", 1e3},         UnitEntry{"MB/s", 1e6},
    UnitEntry{"GB/s", 1e9},      UnitEntry{"TB/s", 1e12},        UnitEntry{"KiB/s", 1024.0},
    UnitEntry{"MiB/s", 1048576.0}, UnitEntry{"GiB/s", 1073741824.0},
    UnitEntry{"b/s", 0.125},     UnitEntry{"Kb/s", 125.0},       UnitEntry{"Mb/s", 125e3},
    UnitEntry{"Gb/s", 125e6},    UnitEntry{"Tb/s", 125e9}};
constexpr std::array kFlopRateUnits{
    UnitEntry{"FLOP/s", 1.0},    UnitEntry{"GFLOP/s", 1e9},  UnitEntry{"TFLOP/s", 1e12},
    UnitEntry{"PFLOP/s", 1e15},  UnitEntry{"TOP/s", 1e12},   UnitEntry{"TOPS", 1e12},
    UnitEntry{"TFLOPS", 1e12}};
constexpr std::array kRateUnits{UnitEntry{"/s", 1.0},   UnitEntry{"/min", 1.0 / 60.0},
                                UnitEntry{"/h", 1.0 / 3600.0}, UnitEntry{"Hz", 1.0},
                                UnitEntry{"kHz", 1e3},    UnitEntry{"MHz", 1e6},
                                UnitEntry{"GHz", 1e9}};

template <std::size_t N>
std::pair<const UnitEntry*, std::size_t> as_span(const std::array<UnitEntry, N>& a) {
  return {a.data(), N};
}

std::pair<const UnitEntry*, std::size_t> units_of(Dimension d) {
  switch (d) {
    case Dimension::kTime: return as_span(kTimeUnits);
    case Dimension::kBytes: return as_span(kByteUnits);
    case Dimension::kBandwidth: return as_span(kBandwidthUnits);
    case Dimension::kFlopRate: return as_span(kFlopRateUnits);
    case Dimension::kRate: return as_span(kRateUnits);
  }
  return as_span(kTimeUnits);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view dimension_name(Dimension d) {
  switch (d) {
    case Dimension::kTime: return "time";
    case Dimension::kBytes: return "size in bytes";
    case Dimension::kBandwidth: return "bandwidth";
    case Dimension::kFlopRate: return "compute rate";
    case Dimension::kRate: return "rate";
  }
  return "quantity";
}

std::string_view dimension_example(Dimension d) {
  switch (d) {
    case Dimension::kTime: return "'2us' or '1.5ms'";
    case Dimension::kBytes: return "'80GiB' or '512MB'";
    case Dimension::kBandwidth: return "'3.35TB/s' or '400Gb/s'";
    case Dimension::kFlopRate: return "'989TFLOP/s'";
    case Dimension::kRate: return "'10/s'";
  }
  return "";
}

std::string dimension_units(Dimension d) {
  auto [units, n] = units_of(d);
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += ", ";
    out += units[i].name;
  }
  return out;
}

ParsedQuantity parse_quantity(std::string_view text, Dimension d) {
  const std::string_view s = trim(text);
  double number = 0.0;
  const char* begin = s.data();
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(begin, end, number);
  if (ec != std::errc() || !std::isfinite(number)) {
    return {std::nullopt, "expected a " + std::string(dimension_name(d)) + " such as " +
                              std::string(dimension_example(d)) + ", got '" + std::string(s) +
                              "'"};
  }
  const std::string_view unit = trim(std::string_view(ptr, static_cast<std::size_t>(end - ptr)));
  if (unit.empty()) {
    return {std::nullopt, "missing unit: expected a " + std::string(dimension_name(d)) +
                              " such as " + std::string(dimension_example(d)) + ", got '" +
                              std::string(s) + "'"};
  }
  auto [units, n] = units_of(d);
  for (std::size_t i = 0; i < n; ++i) {
    if (units[i].name != unit) continue;
    const double si = number * units[i].factor;
    if (!std::isfinite(si)) {  // e.g. 1e300TiB: finite number, infinite product (found by fuzzing)
      return {std::nullopt, "out of range: '" + std::string(s) + "' is beyond what a " +
                                std::string(dimension_name(d)) + " can hold"};
    }
    return {si, {}};
  }
  return {std::nullopt, "unknown unit '" + std::string(unit) + "' for a " +
                            std::string(dimension_name(d)) + "; valid units: " +
                            dimension_units(d)};
}

std::string format_quantity(double v, Dimension d) {
  struct Scale {
    double factor;
    const char* unit;
  };
  static constexpr Scale kTime[] = {{3600, "h"}, {1, "s"}, {1e-3, "ms"}, {1e-6, "us"},
                                     {1e-9, "ns"}};
  static constexpr Scale kBytes[] = {{1099511627776.0, "TiB"}, {1073741824.0, "GiB"},
                                      {1048576.0, "MiB"}, {1024.0, "KiB"}, {1, "B"}};
  static constexpr Scale kBw[] = {{1e12, "TB/s"}, {1e9, "GB/s"}, {1e6, "MB/s"}, {1e3, "KB/s"},
                                   {1, "B/s"}};
  static constexpr Scale kFlop[] = {{1e15, "PFLOP/s"}, {1e12, "TFLOP/s"}, {1e9, "GFLOP/s"},
                                     {1, "FLOP/s"}};
  static constexpr Scale kRate[] = {{1, "/s"}};
  const Scale* table = kTime;
  std::size_t n = 5;
  switch (d) {
    case Dimension::kTime: table = kTime; n = 5; break;
    case Dimension::kBytes: table = kBytes; n = 5; break;
    case Dimension::kBandwidth: table = kBw; n = 5; break;
    case Dimension::kFlopRate: table = kFlop; n = 4; break;
    case Dimension::kRate: table = kRate; n = 1; break;
  }
  const Scale* pick = &table[n - 1];
  for (std::size_t i = 0; i < n; ++i) {
    if (std::fabs(v) >= table[i].factor) {
      pick = &table[i];
      break;
    }
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g %s", v / pick->factor, pick->unit);
  return buf;
}

}  // namespace moesim
