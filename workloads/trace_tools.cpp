#include "workloads/trace_tools.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <vector>

#include "models/errors.hpp"
#include "workloads/request_source.hpp"
#include "workloads/native_trace.hpp"

namespace moesim {
namespace {

std::unique_ptr<RequestSource> open_trace(const std::string& format, const std::string& path) {
  ParamSet params;
  params.set("path", path);
  const SourceContext ctx;  // paths are used as given
  return request_sources().create(format.empty() ? detect_trace_format(path) : format,
                                  std::move(params), ctx);
}

// Exact nearest-rank percentile from a histogram of values -> counts holding n values.
std::int64_t nearest_rank(const std::map<std::int64_t, std::int64_t>& counts, std::int64_t n,
                          double p) {
  const auto rank = std::int64_t(std::ceil(p / 100.0 * double(n)));
  const std::int64_t k = std::clamp<std::int64_t>(rank, 1, n);
  std::int64_t seen = 0;
  for (const auto& [value, count] : counts) {
    seen += count;
    if (seen >= k) return value;
  }
  return counts.rbegin()->first;
}

}  // namespace

std::string detect_trace_format(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".csv") return "azure";
  if (ext == ".jsonl") return "mooncake";
  if (ext == ".pb" || ext == ".moesimtrace") return "protobuf";
  throw ConfigError(path + ": cannot tell the trace format from the extension '" + ext +
                    "'; known: .csv (azure), .jsonl (mooncake), .pb or .moesimtrace (protobuf)");
}

void convert_trace(const std::string& in_format, const std::string& in_path,
                   const std::string& out_path) {
  auto source = open_trace(in_format, in_path);
  // The first request before anything is written: a trace of none is an error (TraceSource), and
  // a FIFO written through gets no header either.
  std::optional<Request> r = source->next();
  // A FIFO, device or socket (`/dev/stdout`) is written through: renaming a temporary over it
  // would replace it with a regular file. A symbolic link keeps pointing where it did: the
  // temporary is made beside its target.
  namespace fs = std::filesystem;
  std::error_code sec;
  const fs::file_status st = fs::status(out_path, sec);
  const bool through = !sec && fs::exists(st) && !fs::is_regular_file(st) && !fs::is_directory(st);
  std::string target = out_path;
  if (!through && fs::is_symlink(out_path, sec)) {
    const fs::path real = fs::weakly_canonical(out_path, sec);
    if (!sec) target = real.string();
  }
  const std::string tmp = through ? out_path : target + ".tmp";
  try {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(tmp + ": cannot open file for writing");
    if (!write_trace_header(out)) throw InputError(tmp + ": write failed");
    moesim::trace::Request m;
    std::uint64_t records = 0;
    for (; r; r = source->next()) {
      m.Clear();
      m.set_id(r->id);
      m.set_arrival_s(r->arrival.value());
      m.set_prompt_tokens(std::uint64_t(r->prompt_tokens));
      m.set_output_tokens(std::uint64_t(r->output_tokens));
      for (std::uint64_t b : r->prefix_blocks) m.add_prefix_blocks(b);
      if (!write_trace_record(out, m)) throw OutputError(tmp + ": write failed");
      ++records;
    }
    if (!write_trace_end(out, records)) throw InputError(tmp + ": write failed");
    out.close();
    if (!out) throw OutputError(tmp + ": write failed");
    if (through) return;
    // The error_code form: a rename onto a folder must be an InputError (exit status 2), not
    // a std::filesystem::filesystem_error.
    std::error_code ec;
    std::filesystem::rename(tmp, target, ec);
    if (ec) throw InputError(out_path + ": cannot write: " + ec.message());
  } catch (...) {
    std::error_code ignored;
    if (!through) std::filesystem::remove(tmp, ignored);
    throw;
  }
}

TraceStats trace_stats(const std::string& format, const std::string& path) {
  auto source = open_trace(format, path);
  TraceStats s;
  // Histograms: memory grows with the number of distinct lengths, not with the trace.
  std::map<std::int64_t, std::int64_t> prompts, outputs;
  double first = 0.0, last = 0.0, prompt_sum = 0.0, output_sum = 0.0;
  while (auto r = source->next()) {
    if (s.requests == 0) first = r->arrival.value();
    last = r->arrival.value();
    ++s.requests;
    ++prompts[r->prompt_tokens];
    ++outputs[r->output_tokens];
    prompt_sum += double(r->prompt_tokens);
    output_sum += double(r->output_tokens);
  }
  if (s.requests == 0) return s;
  const double n = double(s.requests);
  s.duration_s = last - first;
  s.mean_prompt = prompt_sum / n;
  s.mean_output = output_sum / n;
  s.p50_prompt = nearest_rank(prompts, s.requests, 50);
  s.p99_prompt = nearest_rank(prompts, s.requests, 99);
  s.p50_output = nearest_rank(outputs, s.requests, 50);
  s.p99_output = nearest_rank(outputs, s.requests, 99);
  s.mean_rate = s.duration_s > 0.0 ? n / s.duration_s : 0.0;
  return s;
}

}  // namespace moesim
