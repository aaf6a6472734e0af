// Router plug-ins: which data-parallel instance receives an arriving request, and inside an
// instance whose attention DP ranks schedule on their own, which rank (serving.dp_router).
#pragma once

#include <cstdint>
#include <vector>

#include "models/registry.hpp"
#include "workloads/request.hpp"

namespace moesim {

struct InstanceLoad {
  std::int64_t outstanding_tokens = 0;  // prompt tokens to prefill + output tokens to generate
  std::int64_t sequences = 0;           // waiting + running
  std::int64_t waiting = 0;             // not yet admitted (queued or about to be)
  std::int64_t running = 0;             // admitted
  double kv_utilization = 0;            // used / capacity blocks
  std::int64_t prefix_blocks = 0;       // leading prompt blocks of this request it has cached
};

class Router {
 public:
  virtual ~Router() = default;
  // Index into `loads`; ties resolve to the lowest index.
  virtual int choose(const Request& r, const std::vector<InstanceLoad>& loads) = 0;
};

using RouterRegistry = Registry<Router>;
[[nodiscard]] const RouterRegistry& routers();

}  // namespace moesim
