#include "analysis/cost.hpp"

#include <limits>

namespace moesim {
namespace {

double ratio(double num, double den) {
  return den > 0 ? num / den : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

CostFigures cost_figures(double price_per_device_hour, int devices, double simulated_time_s,
                         std::int64_t input_tokens, std::int64_t output_tokens) {
  CostFigures c;
  c.price_per_device_hour = price_per_device_hour;
  c.device_hours = double(devices) * simulated_time_s / 3600.0;
  c.dollars = price_per_device_hour * c.device_hours;
  c.output_tokens_per_dollar = ratio(double(output_tokens), c.dollars);
  c.dollars_per_million_output_tokens = ratio(c.dollars * 1e6, double(output_tokens));
  c.dollars_per_million_input_tokens = ratio(c.dollars * 1e6, double(input_tokens));
  return c;
}

}  // namespace moesim
