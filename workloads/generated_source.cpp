#include "workloads/generated_source.hpp"

#include "models/errors.hpp"

namespace moesim {

GeneratedSource::GeneratedSource(const std::string& name, std::int64_t requests,
                                 const SourceContext& ctx)
    : lengths_(ctx.lengths),
      arrival_rng_(ctx.seed, "workload.arrivals"),
      length_rng_(ctx.seed, "workload.lengths"),
      total_(requests) {
  if (lengths_ == nullptr) {
    throw ConfigError(name + ": a generated workload needs a length distribution");
  }
}

std::optional<Request> GeneratedSource::next() {
  if (produced_ >= total_) return std::nullopt;
  time_s_ += next_gap(arrival_rng_);
  Request r;
  r.id = std::uint64_t(produced_++);
  r.arrival = Seconds(time_s_);
  const auto [prompt, output] = lengths_->sample(length_rng_);
  r.prompt_tokens = prompt;
  r.output_tokens = output;
  return r;
}

}  // namespace moesim
