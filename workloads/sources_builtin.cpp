// The list of built-in request sources (explicit, so none can fall out of a static link).
#include "workloads/request_source.hpp"

namespace moesim {

void register_poisson_source(SourceRegistry&);
void register_gamma_source(SourceRegistry&);
void register_closed_loop_source(SourceRegistry&);
void register_azure_source(SourceRegistry&);
void register_mooncake_source(SourceRegistry&);
void register_protobuf_source(SourceRegistry&);

const SourceRegistry& request_sources() {
  static const SourceRegistry registry = [] {
    SourceRegistry r("request source");
    register_poisson_source(r);
    register_gamma_source(r);
    register_closed_loop_source(r);
    register_azure_source(r);
    register_mooncake_source(r);
    register_protobuf_source(r);
    return r;
  }();
  return registry;
}

}  // namespace moesim
