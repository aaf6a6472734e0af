#include "analysis/duration_format.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace moesim {

std::string format_duration(double seconds) {
  if (std::isnan(seconds)) return "n/a";
  if (std::isinf(seconds)) return seconds > 0 ? "inf s" : "-inf s";
  if (seconds == 0) return "0 s";
  struct Unit {
    double factor;
    double below;       // seconds under which this unit is used
    double below_here;  // the same in this unit (exact, unlike below / factor)
    const char* name;
  };
  static constexpr Unit kUnits[] = {{1e-6, 1e-3, 1000, "us"},
                                    {1e-3, 1.0, 1000, "ms"},
                                    {1.0, 1000.0, 1000, "s"},
                                    {60.0, HUGE_VAL, HUGE_VAL, "min"}};
  const double a = std::fabs(seconds);
  std::size_t u = 0;
  while (a >= kUnits[u].below) ++u;
  double r = 0;  // the magnitude in unit u, rounded to four significant figures
  char buf[64];
  for (;; ++u) {
    std::snprintf(buf, sizeof buf, "%.3e", a / kUnits[u].factor);
    r = std::strtod(buf, nullptr);
    if (u + 1 == std::size(kUnits) || r < kUnits[u].below_here) break;
  }
  int decimals = 0;
  if (r >= 10000) {
    r = a / kUnits[u].factor;  // whole minutes, every digit
  } else if (r < 1) {
    decimals = 3 - int(std::floor(std::log10(r)));
  } else if (r < 10) {
    decimals = 3;
  } else if (r < 100) {
    decimals = 2;
  } else if (r < 1000) {
    decimals = 1;
  }
  std::snprintf(buf, sizeof buf, "%s%.*f %s", seconds < 0 ? "-" : "", decimals, r,
                kUnits[u].name);
  return buf;
}

}  // namespace moesim
