#include "sim/kv_network.hpp"

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u.hpp>

#include <string>
#include <unordered_map>

namespace moesim {

namespace sg4 = simgrid::s4u;

struct KvNetwork::Impl {
  std::vector<sg4::Host*> hosts;
  std::unordered_map<const sg4::Activity*, std::uint64_t> transfer_of;
  std::unordered_map<std::uint64_t, int> pending;  // flows still in flight per transfer
  std::unordered_map<const sg4::Activity*, sg4::CommPtr> in_flight;  // kept until completion
  std::vector<sg4::CommPtr> finished;              // released outside the completion signal
  std::function<void(std::uint64_t)> on_done;
};

KvNetwork::KvNetwork(const KvNetworkSpec& spec, std::function<void(std::uint64_t)> on_done)
    : impl_(std::make_unique<Impl>()), link_bytes_(spec.links.size(), 0.0), spec_(&spec) {
  impl_->on_done = std::move(on_done);
  auto* zone = sg4::create_full_zone("kv-network");
  for (int d = 0; d < spec.devices; ++d) {
    impl_->hosts.push_back(zone->create_host("device-" + std::to_string(d), 1e12));
  }
  std::vector<sg4::Link*> links;
  for (std::size_t i = 0; i < spec.links.size(); ++i) {
    links.push_back(zone->create_link("link-" + std::to_string(i), spec.links[i].bandwidth)
                        ->set_latency(spec.links[i].latency)
                        ->seal());
  }
  for (const auto& [pair, route] : spec.routes) {
    if (pair.first == pair.second || route.empty()) continue;
    std::vector<sg4::LinkInRoute> r;
    for (int l : route) r.emplace_back(links[l]);
    zone->add_route(impl_->hosts[pair.first]->get_netpoint(),
                    impl_->hosts[pair.second]->get_netpoint(), nullptr, nullptr, r, false);
  }
  zone->seal();
  Impl* impl = impl_.get();
  sg4::Activity::on_completion_cb([impl](sg4::Activity const& a) {
    auto it = impl->transfer_of.find(&a);
    if (it == impl->transfer_of.end()) return;
    const std::uint64_t id = it->second;
    impl->transfer_of.erase(it);
    if (auto c = impl->in_flight.find(&a); c != impl->in_flight.end()) {
      impl->finished.push_back(c->second);
      impl->in_flight.erase(c);
    }
    if (--impl->pending[id] == 0) {
      impl->pending.erase(id);
      // Report from a timer at the same date: outside SimGrid's completion handling.
      simgrid::kernel::timer::Timer::set(sg4::Engine::get_clock(), [impl, id] {
        impl->finished.clear();
        impl->on_done(id);
      });
    }
  });
}

KvNetwork::~KvNetwork() = default;

void KvNetwork::start(std::uint64_t id, const std::vector<KvFlow>& flows) {
  int started = 0;
  for (const KvFlow& f : flows) {
    if (f.src_device == f.dst_device || f.bytes <= 0) continue;
    auto route = spec_->routes.find({f.src_device, f.dst_device});
    if (route != spec_->routes.end()) {
      for (int l : route->second) link_bytes_[l] += f.bytes;
    }
    sg4::CommPtr c = sg4::Comm::sendto_async(impl_->hosts[f.src_device],
                                             impl_->hosts[f.dst_device],
                                             static_cast<std::uint64_t>(f.bytes));
    impl_->transfer_of[c.get()] = id;
    impl_->in_flight.emplace(c.get(), c);
    ++started;
  }
  if (started == 0) {
    Impl* impl = impl_.get();
    simgrid::kernel::timer::Timer::set(sg4::Engine::get_clock(), [impl, id] { impl->on_done(id); });
    return;
  }
  impl_->pending[id] = started;
}

}  // namespace moesim
