// Durations for people to read: the unit that fits the magnitude, four significant figures.
#pragma once

#include <string>

namespace moesim {

// `seconds` in us below 1 ms, in ms below 1 s, in s below 1000 s, in min from there on, with
// four significant figures in fixed notation ("12.00 us", "12.30 ms", "146.2 s", "120.0 min");
// a value that rounds up to 1000 of its unit moves to the next one (0.9999996 -> "1.000 s").
// Minutes from 10000 on print whole ("16667 min"). 0 -> "0 s"; NaN -> "n/a"; infinities ->
// "inf s" / "-inf s". Negative values keep their sign.
[[nodiscard]] std::string format_duration(double seconds);

}  // namespace moesim
