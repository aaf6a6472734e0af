// Uniform lengths: prompt and output drawn independently and uniformly from inclusive integer
// ranges, prompt first, one uniform() each.
#include <cmath>

#include "models/errors.hpp"
#include "models/param_error.hpp"
#include "workloads/plugin_params.hpp"
#include "workloads/request_source.hpp"

namespace moesim {
namespace {

struct Range {
  std::int64_t lo, hi;
  // floor(u * n) lies in [0, n - 1] for u in [0, 1); n <= 2^30 keeps u * n exact enough.
  std::int64_t draw(RandomStream& rng) const {
    return lo + std::int64_t(std::floor(rng.uniform() * double(hi - lo + 1)));
  }
};

class UniformLengths final : public LengthDistribution {
 public:
  UniformLengths(Range prompt, Range output) : prompt_(prompt), output_(output) {}
  std::pair<std::int64_t, std::int64_t> sample(RandomStream& rng) const override {
    const std::int64_t p = prompt_.draw(rng);
    return {p, output_.draw(rng)};
  }

 private:
  Range prompt_, output_;
};

Range range(const ParamSet& p, const std::string& what) {
  const Range r{p.integer(what + "_min"), p.integer(what + "_max")};
  if (r.lo > r.hi) {
    throw ParamConfigError(what + "_min", "uniform lengths: " + what + "_min (" +
                                              std::to_string(r.lo) + ") is greater than " + what +
                                              "_max (" + std::to_string(r.hi) + ")");
  }
  return r;
}

}  // namespace

void register_uniform_lengths(LengthRegistry& r) {
  r.add({"uniform",
         "prompt and output lengths uniform over inclusive integer ranges",
         {required_integer_param("prompt_min", 1, kMaxTokenParam, "smallest prompt, tokens"),
          required_integer_param("prompt_max", 1, kMaxTokenParam, "largest prompt, tokens"),
          required_integer_param("output_min", 1, kMaxTokenParam, "smallest output, tokens"),
          required_integer_param("output_max", 1, kMaxTokenParam, "largest output, tokens")},
         [](const ParamSet& p) {
           return std::make_unique<UniformLengths>(range(p, "prompt"), range(p, "output"));
         }});
}

}  // namespace moesim
