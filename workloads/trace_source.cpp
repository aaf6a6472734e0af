#include "workloads/trace_source.hpp"

#include <cmath>

#include "models/errors.hpp"
#include "models/param_error.hpp"
#include "workloads/plugin_params.hpp"
#include "workloads/text_input.hpp"

namespace moesim {

std::vector<ParamSpec> trace_params() {
  return {
      required_string_param("path",
                            "trace file; a relative path resolves against the scenario's "
                            "directory"),
      number_param("time_scale", 1.0, 1e-6, 1e6,
                   "rate multiplier: arrival times are divided by it (2 = twice the load)"),
      quantity_param("start", Dimension::kTime, 0.0, 0.0,
                     "window start, measured from the trace's first request, before time_scale"),
      quantity_param("end", Dimension::kTime, 0.0, 0.0,
                     "window end (exclusive), measured like start; 0s = to the end of the trace"),
      integer_param("limit", 0, 0, kMaxCountParam, "stop after this many requests; 0 = all"),
      bool_param("skip_bad_rows", false, "skip and count malformed rows instead of failing"),
  };
}

TraceOptions trace_options(const std::string& reader, const ParamSet& params,
                           const SourceContext& ctx) {
  TraceOptions o;
  o.path = resolve_path(params.text("path"), ctx.base_dir);
  o.time_scale = params.number("time_scale");
  o.start_s = params.number("start");
  o.end_s = params.number("end");
  o.limit = params.integer("limit");
  o.skip_bad_rows = params.flag("skip_bad_rows");
  if (o.end_s > 0.0 && o.end_s <= o.start_s) {
    throw ParamConfigError("start", reader + ": end (" +
                                        format_quantity(o.end_s, Dimension::kTime) +
                                        ") must be after start (" +
                                        format_quantity(o.start_s, Dimension::kTime) + ")");
  }
  return o;
}

TraceSource::TraceSource(TraceOptions options) : options_(std::move(options)) {
  check_input_file(options_.path, "path");
}

std::string TraceSource::no_requests() const {
  const std::string at = options_.path + ": no requests";
  if (skipped_ > 0 && !have_first_) {
    return at + ": all " + std::to_string(skipped_) + " rows are bad (skipped by skip_bad_rows)";
  }
  if (!have_first_) return at + " in the file";
  const std::string window =
      " in the window from start (" + format_quantity(options_.start_s, Dimension::kTime) + ")";
  if (options_.end_s > 0.0) {
    return at + window + " to end (" + format_quantity(options_.end_s, Dimension::kTime) +
           "), measured from the trace's first request";
  }
  return at + window + " on: the trace's last request is " +
         format_quantity(previous_s_ - first_s_, Dimension::kTime) + " after its first";
}

void TraceSource::check(TraceRecord& rec) const {
  if (!std::isfinite(rec.time_s)) throw RowError("timestamp is not a finite number");
  if (rec.prompt_tokens < 1) {
    throw RowError("prompt length must be at least 1 token, got " +
                   std::to_string(rec.prompt_tokens));
  }
  if (rec.output_tokens < 0) {
    throw RowError("output length is negative: " + std::to_string(rec.output_tokens));
  }
  if (have_first_ && rec.time_s < previous_s_) {
    throw RowError("timestamp decreases: " + number_text(previous_s_ - rec.time_s) +
                   " s before the previous row's");
  }
  if (rec.output_tokens == 0) rec.output_tokens = 1;  // see the row rule in the header
}

RequestSource::Extent TraceSource::extent() const {
  if (options_.end_s <= 0) return {};
  return {0, (options_.end_s - options_.start_s) / options_.time_scale};
}

std::optional<Request> TraceSource::next() {
  while (!done_) {
    if (options_.limit > 0 && produced_ >= std::uint64_t(options_.limit)) break;
    TraceRecord rec;
    try {
      if (!read_record(rec)) break;
      check(rec);
    } catch (const RowError& e) {
      if (!options_.skip_bad_rows) throw InputError(where() + ": " + e.what());
      ++skipped_;
      continue;
    }
    if (!have_first_) first_s_ = rec.time_s;
    have_first_ = true;
    previous_s_ = rec.time_s;
    const double t = rec.time_s - first_s_;
    if (t < options_.start_s) continue;
    if (options_.end_s > 0.0 && t >= options_.end_s) break;
    if (!have_t0_) t0_s_ = t;
    have_t0_ = true;
    Request r;
    r.id = produced_++;
    r.arrival = Seconds((t - t0_s_) / options_.time_scale);
    r.prompt_tokens = rec.prompt_tokens;
    r.output_tokens = rec.output_tokens;
    r.prefix_blocks = std::move(rec.prefix_blocks);
    return r;
  }
  if (produced_ == 0) throw InputError(no_requests());
  done_ = true;
  return std::nullopt;
}

}  // namespace moesim
