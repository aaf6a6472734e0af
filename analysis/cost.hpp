// What a run costs at an hourly price per device: device-hours, dollars, tokens per dollar and
// dollars per million tokens. Only from a price someone gave (scenario `cost` or the hardware
// preset's `price_per_device_hour`); without one there are no cost figures at all.
#pragma once

#include <cstdint>

namespace moesim {

struct CostFigures {
  double price_per_device_hour = 0;           // US dollars per device per hour, as given
  double device_hours = 0;                    // devices x simulated seconds / 3600
  double dollars = 0;                         // price x device_hours
  double output_tokens_per_dollar = 0;        // output tokens / dollars (NaN: nothing spent)
  double dollars_per_million_output_tokens = 0;  // dollars / output tokens x 1e6 (NaN: no tokens)
  double dollars_per_million_input_tokens = 0;   // dollars / input tokens x 1e6 (NaN: no tokens)
};

// `devices`: all devices of all replicas (as the per-device throughput counts them); tokens over
// completed requests. Every device is paid for the whole simulated time, busy or idle. A ratio
// over zero is NaN (summary.json writes it as null).
[[nodiscard]] CostFigures cost_figures(double price_per_device_hour, int devices,
                                       double simulated_time_s, std::int64_t input_tokens,
                                       std::int64_t output_tokens);

}  // namespace moesim
