// Log-normal lengths: length = round(median * exp(sigma * z)) with z standard normal (prompt
// first, then output), clamped to [1, max_tokens]. sigma is the standard deviation of ln(length);
// the mean before rounding is median * exp(sigma^2 / 2).
#include <algorithm>
#include <cmath>

#include "workloads/plugin_params.hpp"
#include "workloads/request_source.hpp"

namespace moesim {
namespace {

struct LogNormal {
  double median, sigma;
};

class LogNormalLengths final : public LengthDistribution {
 public:
  LogNormalLengths(LogNormal prompt, LogNormal output, std::int64_t cap)
      : prompt_(prompt), output_(output), cap_(cap) {}
  std::pair<std::int64_t, std::int64_t> sample(RandomStream& rng) const override {
    const std::int64_t p = draw(prompt_, rng);
    return {p, draw(output_, rng)};
  }

 private:
  std::int64_t draw(const LogNormal& d, RandomStream& rng) const {
    const double x = std::round(d.median * std::exp(d.sigma * rng.normal()));
    return std::int64_t(std::clamp(x, 1.0, double(cap_)));
  }

  LogNormal prompt_, output_;
  std::int64_t cap_;
};

}  // namespace

void register_lognormal_lengths(LengthRegistry& r) {
  const double kMax = double(kMaxTokenParam);
  r.add({"lognormal",
         "log-normal prompt and output lengths, rounded and capped",
         {required_number_param("prompt_median", 1.0, kMax, "median prompt, tokens"),
          required_number_param("prompt_sigma", 0.0, 10.0, "standard deviation of ln(prompt)"),
          required_number_param("output_median", 1.0, kMax, "median output, tokens"),
          required_number_param("output_sigma", 0.0, 10.0, "standard deviation of ln(output)"),
          integer_param("max_tokens", 32768, 1, kMaxTokenParam,
                        "cap applied to each drawn length, tokens")},
         [](const ParamSet& p) {
           return std::make_unique<LogNormalLengths>(
               LogNormal{p.number("prompt_median"), p.number("prompt_sigma")},
               LogNormal{p.number("output_median"), p.number("output_sigma")},
               p.integer("max_tokens"));
         }});
}

}  // namespace moesim
