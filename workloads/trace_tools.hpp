// Whole-trace utilities behind `moesim trace`: format detection, conversion to the native
// protobuf format, and summary statistics. All of them stream the input through the registered
// trace readers (default options: the whole trace, time_scale 1, bad rows are errors).
#pragma once

#include <cstdint>
#include <string>

namespace moesim {

// "azure" for .csv, "mooncake" for .jsonl, "protobuf" for .pb and .moesimtrace (extension case
// ignored). Throws ConfigError naming the known extensions otherwise.
[[nodiscard]] std::string detect_trace_format(const std::string& path);

// Reads `in_path` with the reader `in_format` (empty: detect_trace_format) and writes it as
// moesim's native trace (workloads/trace.proto: header, moesim.trace.Request records, end marker),
// ids 0, 1, 2, ... and arrivals re-based so the first is 0. The output goes to out_path + ".tmp", renamed over
// out_path only when complete, so out_path is either the whole trace or untouched. Throws
// InputError on unreadable input or unwritable output, ConfigError on an unknown format.
void convert_trace(const std::string& in_format, const std::string& in_path,
                   const std::string& out_path);

struct TraceStats {
  std::int64_t requests = 0;
  double duration_s = 0.0;   // last arrival - first arrival, seconds
  double mean_prompt = 0.0;  // tokens
  std::int64_t p50_prompt = 0;
  std::int64_t p99_prompt = 0;
  double mean_output = 0.0;  // tokens
  std::int64_t p50_output = 0;
  std::int64_t p99_output = 0;
  double mean_rate = 0.0;  // requests / duration_s, per second; 0 when duration_s is 0
};

// Statistics of a whole trace (`format` empty: detect_trace_format). Percentiles are exact,
// nearest-rank: the p-th percentile is the ceil(p/100 * n)-th smallest value. The trace streams:
// lengths are counted in histograms (memory grows with distinct lengths, not requests).
[[nodiscard]] TraceStats trace_stats(const std::string& format, const std::string& path);

}  // namespace moesim
