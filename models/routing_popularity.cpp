#include "models/routing_popularity.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <numbers>
#include <numeric>

#include "models/rng.hpp"

namespace moesim {
double expected_max_standard_normal(int n) {
  if (n <= 1) return 0.0;
  static std::mutex mu;
  static std::map<int, double> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  // E[max] = integral of x * n * phi(x) * Phi(x)^(n-1) over x (Simpson's rule on [-12, 12]).
  constexpr int kSteps = 4800;
  const double a = -12.0, h = 24.0 / kSteps;
  double sum = 0;
  for (int i = 0; i <= kSteps; ++i) {
    const double x = a + i * h;
    const double f = x * n * std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi) *
                     std::pow(0.5 * std::erfc(-x / std::sqrt(2.0)), n - 1);
    sum += f * (i == 0 || i == kSteps ? 1.0 : (i % 2 ? 4.0 : 2.0));
  }
  const double v = sum * h / 3.0;
  cache.emplace(n, v);
  return v;
}

ExpertLoad popularity_load(const std::vector<double>& pi, const std::vector<int>& device_of,
                           int ep, double tokens, int top_k) {
  const int experts = int(pi.size());
  std::vector<double> act(ep, 0), act_var(ep, 0), asg(ep, 0), asg_var(ep, 0), local(ep, 0);
  ExpertLoad out;
  for (int j = 0; j < experts; ++j) {
    const double p = 1.0 - std::pow(1.0 - std::min(pi[j], 1.0), tokens);
    const int d = device_of[j];
    act[d] += p;
    act_var[d] += p * (1 - p);
    asg[d] += tokens * pi[j];
    asg_var[d] += tokens * pi[j] * (1 - std::min(pi[j], 1.0));
    local[d] += 1;
    out.activated_experts += p;
  }
  const double z = expected_max_standard_normal(ep);
  for (int d = 0; d < ep; ++d) {
    out.mean_device_activated += act[d] / ep;
    out.mean_device_assignments += asg[d] / ep;
    const double max_act = std::min(local[d], act[d] + z * std::sqrt(act_var[d]));
    const double cap = tokens * std::min<double>(top_k, local[d]);
    const double max_asg = std::min(cap, asg[d] + z * std::sqrt(asg_var[d]));
    out.max_device_activated = std::max(out.max_device_activated, max_act);
    out.max_device_assignments = std::max(out.max_device_assignments, max_asg);
  }
  // The expected maximum is never below the mean, whatever the caps did.
  out.max_device_activated = std::max(out.max_device_activated, out.mean_device_activated);
  out.max_device_assignments = std::max(out.max_device_assignments, out.mean_device_assignments);
  return out;
}

std::vector<int> contiguous_placement(int experts, int ep) {
  std::vector<int> dev(experts);
  const int per = experts / ep;
  for (int j = 0; j < experts; ++j) dev[j] = j / per;
  return dev;
}

std::vector<int> shuffled_placement(int experts, int ep, unsigned long long seed) {
  std::vector<int> perm(experts);
  std::iota(perm.begin(), perm.end(), 0);
  RandomStream rng(seed, "routing.placement");
  for (int i = experts - 1; i > 0; --i) {
    const int k = int(rng.next_u64() % std::uint64_t(i + 1));
    std::swap(perm[i], perm[k]);
  }
  std::vector<int> dev(experts);
  const int per = experts / ep;
  for (int slot = 0; slot < experts; ++slot) dev[perm[slot]] = slot / per;
  return dev;
}

std::vector<double> selection_probabilities(std::vector<double> w, int top_k) {
  // Water-filling: experts whose share would exceed 1 are pinned at 1, the rest rescaled.
  std::vector<bool> pinned(w.size(), false);
  for (std::size_t round = 0; round < w.size(); ++round) {
    double free_mass = 0;
    int pinned_count = 0;
    for (std::size_t j = 0; j < w.size(); ++j) {
      if (pinned[j]) ++pinned_count;
      else free_mass += w[j];
    }
    const double target = double(top_k - pinned_count);
    bool changed = false;
    for (std::size_t j = 0; j < w.size(); ++j) {
      if (pinned[j] || free_mass <= 0) continue;
      if (w[j] * target / free_mass > 1.0) {
        pinned[j] = true;
        changed = true;
      }
    }
    if (!changed) {
      std::vector<double> pi(w.size());
      for (std::size_t j = 0; j < w.size(); ++j)
        pi[j] = pinned[j] ? 1.0 : (free_mass > 0 ? w[j] * target / free_mass : 0.0);
      return pi;
    }
  }
  return std::vector<double>(w.size(), double(top_k) / double(w.size()));
}

}  // namespace moesim
