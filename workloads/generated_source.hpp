// Base of the synthetic request generators (poisson, gamma, closed_loop): a fixed number of
// requests whose gaps come from the subclass and whose lengths come from the scenario's length
// distribution. Gaps draw from RandomStream(seed, "workload.arrivals") and lengths from
// RandomStream(seed, "workload.lengths"), so changing the arrival process never changes the
// lengths drawn for the same seed, and the reverse.
#pragma once

#include <cstdint>
#include <string>

#include "workloads/request_source.hpp"

namespace moesim {

class GeneratedSource : public RequestSource {
 public:
  // `name` is the generator's registry name, for messages. Throws ConfigError when
  // ctx.lengths is null. Precondition: requests >= 1.
  GeneratedSource(const std::string& name, std::int64_t requests, const SourceContext& ctx);
  // Request k arrives at the sum of the first k + 1 gaps: a process that starts at time 0, so
  // the first request arrives after one gap, not at 0.
  [[nodiscard]] std::optional<Request> next() final;
  [[nodiscard]] Extent extent() const final { return {total_, 0}; }

 protected:
  // The next inter-arrival gap in seconds (>= 0), drawn from `rng`.
  virtual double next_gap(RandomStream& rng) = 0;

 private:
  const LengthDistribution* lengths_;
  RandomStream arrival_rng_;
  RandomStream length_rng_;
  std::int64_t total_;
  std::int64_t produced_ = 0;
  double time_s_ = 0.0;
};

}  // namespace moesim
