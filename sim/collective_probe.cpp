#include "sim/collective_probe.hpp"

#include <simgrid/s4u.hpp>
#include "sim/engine_setup.hpp"

namespace moesim {

double simulate_collective(const KvNetworkSpec& spec, const std::vector<int>& devices,
                           Collective collective, double bytes) {
  const auto engine = make_engine();
  const int n = int(devices.size());
  std::vector<KvFlow> step;
  int steps = 1;
  if (collective == Collective::kAllToAll) {
    for (int a = 0; a < n; ++a) {
      for (int b = 0; b < n; ++b) {
        if (a != b) step.push_back({devices[a], devices[b], bytes / (n - 1)});
      }
    }
  } else {
    steps = collective == Collective::kAllReduce ? 2 * (n - 1) : n - 1;
    for (int a = 0; a < n; ++a) step.push_back({devices[a], devices[(a + 1) % n], bytes / n});
  }
  int done_steps = 0;
  KvNetwork* net = nullptr;
  KvNetwork network(spec, [&](std::uint64_t) {
    if (++done_steps < steps) net->start(std::uint64_t(done_steps), step);
  });
  net = &network;
  network.start(0, step);
  engine->run();
  return simgrid::s4u::Engine::get_clock();
}

}  // namespace moesim
