#include "analysis/run_progress.hpp"

#include <algorithm>
#include <cstdio>

#include "analysis/duration_format.hpp"

namespace moesim {

double progress_share(const RunProgress& p) {
  if (p.total > 0) return std::clamp(double(p.completed) / double(p.total), 0.0, 1.0);
  if (p.span_s > 0) return std::clamp(p.simulated_s / p.span_s, 0.0, 1.0);
  return -1;
}

double progress_eta_s(const RunProgress& p) {
  const double f = progress_share(p);
  if (f <= 0 || f >= 1) return -1;
  return p.wall_s * (1 - f) / f;
}

std::string progress_line(const RunProgress& p) {
  char buf[160];
  const std::string sim = format_duration(p.simulated_s);
  const double f = progress_share(p);
  if (p.total > 0) {
    std::snprintf(buf, sizeof buf, "simulated %s, %lld / %lld requests (%.1f%%)", sim.c_str(),
                  (long long)p.completed, (long long)p.total, 100 * f);
  } else if (p.span_s > 0) {
    std::snprintf(buf, sizeof buf, "simulated %s of %s (%.1f%%), %lld requests done", sim.c_str(),
                  format_duration(p.span_s).c_str(), 100 * f, (long long)p.completed);
  } else {
    std::snprintf(buf, sizeof buf, "simulated %s, %lld requests done of %lld read", sim.c_str(),
                  (long long)p.completed, (long long)p.pulled);
  }
  std::string line = buf;
  const double eta = progress_eta_s(p);
  if (eta >= 0) line += ", ETA " + format_duration(eta);
  return line;
}

}  // namespace moesim
