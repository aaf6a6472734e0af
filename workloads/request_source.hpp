// Request-source plug-ins (generators and streamed trace readers) and length distributions.
// Sources are pulled one request at a time: memory never grows with the trace length.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "models/registry.hpp"
#include "models/rng.hpp"
#include "workloads/request.hpp"

namespace moesim {

// Prompt and output lengths of generated requests.
class LengthDistribution {
 public:
  virtual ~LengthDistribution() = default;
  // Returns {prompt_tokens, output_tokens}, both >= 1.
  [[nodiscard]] virtual std::pair<std::int64_t, std::int64_t> sample(RandomStream& rng) const = 0;
};

using LengthRegistry = Registry<LengthDistribution>;
// fixed, uniform, lognormal, file (a lengths CSV such as data/lengths/*.csv).
[[nodiscard]] const LengthRegistry& length_distributions();

struct SourceContext {
  std::uint64_t seed = 0;                     // root seed; sources derive their own streams
  const LengthDistribution* lengths = nullptr;  // for generators; null for traces
  std::string base_dir;                       // relative trace paths resolve against it
};

class RequestSource {
 public:
  virtual ~RequestSource() = default;
  // The next request in arrival order (arrivals non-decreasing, ids 0, 1, 2, ...), or nullopt
  // at the end. Throws InputError naming file and line for a malformed trace row.
  [[nodiscard]] virtual std::optional<Request> next() = 0;
  // Closed loop: the simulator keeps concurrency() requests in flight and pulls a new one when
  // one finishes; arrival times from next() are then ignored.
  [[nodiscard]] virtual int concurrency() const { return 0; }
  // Rows skipped as malformed (only with skip_bad_rows).
  [[nodiscard]] virtual std::int64_t skipped_rows() const { return 0; }
  // What is known of the whole workload before it is read, for progress displays: the number of
  // requests it will give, or the span of their arrival times in seconds (a trace window);
  // 0 where not known without reading it all.
  struct Extent {
    std::int64_t requests = 0;
    double span_s = 0;
  };
  [[nodiscard]] virtual Extent extent() const { return {}; }
};

using SourceRegistry = Registry<RequestSource, const SourceContext&>;
// poisson, gamma, closed_loop, azure, mooncake, protobuf.
[[nodiscard]] const SourceRegistry& request_sources();

}  // namespace moesim
