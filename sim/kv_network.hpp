// KV-cache transfers between prefill and decode instances as SimGrid flows over the cluster's
// links: transfers that share a link share its bandwidth (CM02 model, docs/design.md section 3).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <utility>
#include <vector>

namespace moesim {

// The part of the cluster graph KV transfers use: directed links and device-to-device routes.
struct KvNetworkSpec {
  struct Link {
    double bandwidth = 0;  // bytes/s
    double latency = 0;    // s
  };
  int devices = 0;
  std::vector<Link> links;
  std::map<std::pair<int, int>, std::vector<int>> routes;  // (src, dst device) -> link indices
};

struct KvFlow {
  int src_device = 0;
  int dst_device = 0;
  double bytes = 0;
};

// Lives inside one SimGrid engine (create it after the engine, before engine.run()).
class KvNetwork {
 public:
  KvNetwork(const KvNetworkSpec& spec, std::function<void(std::uint64_t)> on_done);
  ~KvNetwork();
  KvNetwork(const KvNetwork&) = delete;
  KvNetwork& operator=(const KvNetwork&) = delete;

  // Starts the flows of transfer `id`; on_done(id) runs when the last one lands. Flows between
  // the same device (or of zero bytes) complete at once.
  void start(std::uint64_t id, const std::vector<KvFlow>& flows);

  // Bytes carried per link so far (index as in the spec).
  [[nodiscard]] const std::vector<double>& link_bytes() const { return link_bytes_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<double> link_bytes_;
  const KvNetworkSpec* spec_;
};

}  // namespace moesim
