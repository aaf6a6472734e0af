// The list of built-in routing models (explicit, so none can fall out of a static link).
#include "models/routing_model.hpp"

namespace moesim {

void register_uniform_routing(RoutingRegistry&);
void register_skewed_routing(RoutingRegistry&);
void register_grouped_routing(RoutingRegistry&);
void register_correlated_routing(RoutingRegistry&);
void register_measured_routing(RoutingRegistry&);

const RoutingRegistry& routing_models() {
  static const RoutingRegistry registry = [] {
    RoutingRegistry r("routing model");
    register_uniform_routing(r);
    register_skewed_routing(r);
    register_grouped_routing(r);
    register_correlated_routing(r);
    register_measured_routing(r);
    return r;
  }();
  return registry;
}

}  // namespace moesim
