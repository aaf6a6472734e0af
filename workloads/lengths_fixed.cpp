// Fixed lengths: every request has the same prompt and output length (draws nothing).
#include "workloads/plugin_params.hpp"
#include "workloads/request_source.hpp"

namespace moesim {
namespace {

class FixedLengths final : public LengthDistribution {
 public:
  FixedLengths(std::int64_t prompt, std::int64_t output) : prompt_(prompt), output_(output) {}
  std::pair<std::int64_t, std::int64_t> sample(RandomStream&) const override {
    return {prompt_, output_};
  }

 private:
  std::int64_t prompt_, output_;
};

}  // namespace

void register_fixed_lengths(LengthRegistry& r) {
  r.add({"fixed",
         "every request has the same prompt and output length",
         {integer_param("prompt", 1024, 1, kMaxTokenParam, "prompt tokens"),
          integer_param("output", 128, 1, kMaxTokenParam, "output tokens")},
         [](const ParamSet& p) {
           return std::make_unique<FixedLengths>(p.integer("prompt"), p.integer("output"));
         }});
}

}  // namespace moesim
