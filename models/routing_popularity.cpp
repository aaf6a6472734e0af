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

RoutingTables::RoutingTables(std::vector<double> p, std::vector<int> d)
    : pi(std::move(p)), device_of(std::move(d)) {
  int ep = 0;
  for (int dev : device_of) ep = std::max(ep, dev + 1);
  runs.assign(ep, {});
  for (std::size_t j = 0; j < pi.size(); ++j) {
    auto& r = runs[device_of[j]];
    if (!r.empty() && r.back().first == pi[j]) r.back().second += 1;
    else r.emplace_back(pi[j], 1);
  }
}

ExpertLoad popularity_load(const std::vector<double>& pi, const std::vector<int>& device_of,
                           int ep, double tokens, int top_k) {
  return popularity_load(RoutingTables(pi, device_of), ep, tokens, top_k);
}

ExpertLoad popularity_load(const RoutingTables& t, int ep, double tokens, int top_k) {
  ExpertLoad out;
  const double z = expected_max_standard_normal(ep);
  double last_pi = -1.0, last_p = 0.0;  // consecutive runs often share pi
  for (int d = 0; d < ep && d < int(t.runs.size()); ++d) {
    double act = 0, act_var = 0, asg = 0, asg_var = 0, local = 0;
    for (const auto& [pi, count] : t.runs[d]) {
      if (pi != last_pi) {
        last_pi = pi;
        last_p = 1.0 - std::pow(1.0 - std::min(pi, 1.0), tokens);
      }
      const double p = last_p, n = count;
      act += n * p;
      act_var += n * p * (1 - p);
      asg += n * tokens * pi;
      asg_var += n * tokens * pi * (1 - std::min(pi, 1.0));
      local += n;
    }
    out.activated_experts += act;
    out.mean_device_activated += act / ep;
    out.mean_device_assignments += asg / ep;
    const double max_act = std::min(local, act + z * std::sqrt(act_var));
    const double cap = tokens * std::min<double>(top_k, local);
    const double max_asg = std::min(cap, asg + z * std::sqrt(asg_var));
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
