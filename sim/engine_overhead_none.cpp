// `none`: no host time. Every step lasts exactly its accelerator time (the behaviour of moesim
// before engine overheads existed, and the default).
#include "sim/engine_overhead.hpp"

namespace moesim {
namespace {
class NoEngineOverhead final : public EngineOverhead {
 public:
  [[nodiscard]] Seconds host_time(const StepWork&) const override { return Seconds(0); }
  [[nodiscard]] double overlap() const override { return 0; }
};
}  // namespace

void register_none_engine(EngineOverheadRegistry& r) {
  r.add({"none", "no host time: a step lasts its accelerator time", {},
         [](const ParamSet&) { return std::make_unique<NoEngineOverhead>(); }});
}

}  // namespace moesim
