// The list of built-in length distributions (explicit, so none can fall out of a static link).
#include "workloads/request_source.hpp"

namespace moesim {

void register_fixed_lengths(LengthRegistry&);
void register_uniform_lengths(LengthRegistry&);
void register_lognormal_lengths(LengthRegistry&);
void register_file_lengths(LengthRegistry&);

const LengthRegistry& length_distributions() {
  static const LengthRegistry registry = [] {
    LengthRegistry r("length distribution");
    register_fixed_lengths(r);
    register_uniform_lengths(r);
    register_lognormal_lengths(r);
    register_file_lengths(r);
    return r;
  }();
  return registry;
}

}  // namespace moesim
