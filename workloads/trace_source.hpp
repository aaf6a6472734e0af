// The machinery every trace reader shares: its options (declared once), the rule that turns raw
// timestamps into arrivals, order checks, id assignment, limits and bad-row skipping. A format
// reader only turns the next record of its file into a TraceRecord.
//
// Arrival rule. Let t be a record's timestamp in seconds minus the timestamp of the first valid
// record of the file. Records with start <= t < end are kept (end = 0: no end); the first kept
// record defines t0, and each kept record arrives at (t - t0) / time_scale. So the first request
// always arrives at 0 and time_scale multiplies the rate. Reading stops at the first record with
// t >= end (timestamps never decrease) or after `limit` kept requests (0: no limit).
//
// Row rule. A record whose fields cannot be read, whose prompt is 0 tokens, or whose timestamp
// is earlier than the previous valid record's is a bad row: InputError("PATH:LINE: <what>"),
// or with skip_bad_rows it is skipped and counted (skipped_rows()). Zero output tokens are not an
// error: the output is raised to 1 token, since a request must emit at least its first token
// (Azure logs requests that failed before generating as GeneratedTokens = 0).
//
// A trace that gives no request at all is an error in every format (a header-only CSV, an empty
// JSON-lines file, a native trace of no records, or a window or skip_bad_rows that leave none):
// a run of nothing is never what was meant.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "workloads/request_source.hpp"

namespace moesim {

// A malformed row; the message says what is wrong without the location, which TraceSource adds.
class RowError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TraceOptions {
  std::string path;         // resolved against SourceContext::base_dir
  double time_scale = 1.0;  // arrival times are divided by it
  double start_s = 0.0;     // window start, seconds after the first record
  double end_s = 0.0;       // window end (exclusive); 0 = none
  std::int64_t limit = 0;   // kept requests at most; 0 = all
  bool skip_bad_rows = false;
};

// path, time_scale, start, end, limit, skip_bad_rows: the parameters of every trace reader.
[[nodiscard]] std::vector<ParamSpec> trace_params();

// Reads the validated parameters of `reader` ("azure", ...) and resolves the path against
// ctx.base_dir. Throws ConfigError when end is set and not after start.
[[nodiscard]] TraceOptions trace_options(const std::string& reader, const ParamSet& params,
                                         const SourceContext& ctx);

// One record as a format reader parsed it.
struct TraceRecord {
  double time_s = 0.0;  // any origin; only differences matter
  std::int64_t prompt_tokens = 0;
  std::int64_t output_tokens = 0;
  std::vector<std::uint64_t> prefix_blocks;
};

class TraceSource : public RequestSource {
 public:
  // Throws ParamInputError("path", ...) when options.path is missing or a folder.
  explicit TraceSource(TraceOptions options);
  // Throws InputError("PATH: no requests ...") at the end of a trace that gave none: an empty
  // file, rows all skipped, a window that holds none.
  [[nodiscard]] std::optional<Request> next() final;
  [[nodiscard]] std::int64_t skipped_rows() const final { return skipped_; }
  // The window's span (end - start) / time_scale when `end` is set; the request count is not
  // known before the file is read.
  [[nodiscard]] Extent extent() const final;

 protected:
  // Fills `rec` from the next record of the file; false at its end. Throws RowError for a bad
  // row (the reader must then be positioned after it) and InputError for an unrecoverable one.
  virtual bool read_record(TraceRecord& rec) = 0;
  // Location of the record last read ("PATH:LINE" or "PATH: record N"), for messages.
  [[nodiscard]] virtual std::string where() const = 0;
  [[nodiscard]] const TraceOptions& options() const { return options_; }

 private:
  void check(TraceRecord& rec) const;
  [[nodiscard]] std::string no_requests() const;  // the message when the trace gave none

  TraceOptions options_;
  bool done_ = false;
  bool have_first_ = false;  // a valid record was seen: first_s_ and previous_s_ are set
  bool have_t0_ = false;     // a record was kept: t0_s_ is set
  double first_s_ = 0.0;
  double previous_s_ = 0.0;
  double t0_s_ = 0.0;
  std::uint64_t produced_ = 0;
  std::int64_t skipped_ = 0;
};

}  // namespace moesim
