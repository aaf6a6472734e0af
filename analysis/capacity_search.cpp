#include "analysis/capacity_search.hpp"

#include <algorithm>
#include <cmath>

namespace moesim {
namespace {

class Search {
 public:
  Search(const CapacitySearchOptions& o, const std::function<double(double)>& f)
      : o_(o), f_(f) {}

  CapacitySearchResult run() {
    // A --high at or below the scenario's load (and no --low): start halfway below it.
    double start = o_.low.value_or(o_.start);
    if (!o_.low && o_.high && start >= *o_.high)
      start = o_.integer ? std::max(1.0, std::floor(*o_.high / 2)) : *o_.high / 2;
    if (!probe(start)) {
      hi_ = start;
      if (!descend()) return finish(CapacityStatus::kLowestFails);
    } else {
      lo_ = start;
    }
    if (!hi_) {
      if (o_.high) {
        if (!budget()) return finish(CapacityStatus::kMaxRuns);
        if (probe(*o_.high)) {
          lo_ = *o_.high;
          return finish(CapacityStatus::kHighPasses);
        }
        hi_ = *o_.high;
      } else {
        while (!hi_) {
          if (!budget()) return finish(CapacityStatus::kNoFailure);
          const double next = *lo_ * 2;
          if (probe(next))
            lo_ = next;
          else
            hi_ = next;
        }
      }
    }
    while (!converged()) {
      if (!budget()) return finish(CapacityStatus::kMaxRuns);
      const double mid = o_.integer ? std::floor((*lo_ + *hi_) / 2) : (*lo_ + *hi_) / 2;
      if (probe(mid))
        lo_ = mid;
      else
        hi_ = mid;
    }
    return finish(CapacityStatus::kBracketed);
  }

 private:
  // Halves the load until a probe passes; false when none did.
  bool descend() {
    if (o_.low) return false;
    double x = *hi_;
    while (budget()) {
      const double next = o_.integer ? std::floor(x / 2) : x / 2;
      if (next < (o_.integer ? 1.0 : 1e-9) || next == x) return false;
      x = next;
      if (probe(x)) {
        lo_ = x;
        return true;
      }
      hi_ = x;
    }
    return false;
  }

  [[nodiscard]] bool budget() const { return r_.probes.size() < o_.max_runs; }

  [[nodiscard]] bool converged() const {
    const double width = *hi_ - *lo_;
    if (o_.integer && width <= 1) return true;
    return width <= o_.tolerance * *hi_;
  }

  bool probe(double load) {
    for (const auto& p : r_.probes) {
      if (p.load == load) return p.pass;
    }
    const double a = f_(load);
    const bool pass = a >= o_.level;
    r_.probes.push_back({load, a, pass});
    return pass;
  }

  CapacitySearchResult finish(CapacityStatus s) {
    r_.status = s;
    r_.capacity = lo_;
    r_.lowest_fail = hi_;
    r_.non_monotone = non_monotone_pairs(r_.probes);
    return r_;
  }

  const CapacitySearchOptions& o_;
  const std::function<double(double)>& f_;
  CapacitySearchResult r_;
  std::optional<double> lo_, hi_;
};

}  // namespace

const char* capacity_status_name(CapacityStatus s) {
  switch (s) {
    case CapacityStatus::kBracketed: return "bracketed";
    case CapacityStatus::kLowestFails: return "lowest_fails";
    case CapacityStatus::kHighPasses: return "high_passes";
    case CapacityStatus::kNoFailure: return "no_failure";
    case CapacityStatus::kMaxRuns: return "max_runs";
  }
  return "bracketed";
}

std::optional<std::size_t> CapacitySearchResult::capacity_probe() const {
  if (!capacity) return std::nullopt;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    if (probes[i].load == *capacity) return i;
  }
  return std::nullopt;
}

CapacitySearchResult search_capacity(const CapacitySearchOptions& o,
                                     const std::function<double(double)>& attainment_at) {
  return Search(o, attainment_at).run();
}

std::vector<NonMonotone> non_monotone_pairs(std::vector<CapacityProbe> probes) {
  std::stable_sort(probes.begin(), probes.end(),
                   [](const CapacityProbe& a, const CapacityProbe& b) { return a.load < b.load; });
  std::vector<NonMonotone> out;
  std::optional<CapacityProbe> least;
  for (const auto& p : probes) {
    if (least && least->load < p.load && least->attainment < p.attainment) {
      out.push_back({least->load, least->attainment, p.load, p.attainment});
    }
    if (!least || p.attainment < least->attainment) least = p;
  }
  return out;
}

}  // namespace moesim
