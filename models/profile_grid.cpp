#include "models/profile_grid.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace moesim {
namespace {
constexpr double kSame = 1e-9;  // log-coordinate distance under which two values are one
}

void LogGrid::add(const std::vector<double>& x, double value) {
  if (int(x.size()) != dims_) throw std::invalid_argument("LogGrid::add: wrong dimension");
  if (!(value > 0)) throw std::invalid_argument("LogGrid::add: value must be > 0");
  Point p;
  for (double c : x) {
    if (!(c > 0)) throw std::invalid_argument("LogGrid::add: coordinates must be > 0");
    p.lx.push_back(std::log(c));
  }
  p.lv = std::log(value);
  p.count = 1;
  points_.push_back(std::move(p));
  sorted_ = false;
}

// Lexicographic order, then repeated points merged (mean of log values = geometric mean).
void LogGrid::sort() const {
  if (sorted_) return;
  std::sort(points_.begin(), points_.end(),
            [](const Point& a, const Point& b) { return a.lx < b.lx; });
  std::vector<Point> merged;
  for (auto& p : points_) {
    if (!merged.empty()) {
      Point& q = merged.back();
      bool same = true;
      for (std::size_t i = 0; i < p.lx.size() && same; ++i)
        same = std::abs(p.lx[i] - q.lx[i]) < kSame;
      if (same) {
        q.lv = (q.lv * q.count + p.lv) / (q.count + 1);
        ++q.count;
        continue;
      }
    }
    merged.push_back(std::move(p));
  }
  points_ = std::move(merged);
  sorted_ = true;
}

std::optional<double> LogGrid::at(const std::vector<double>& x) const {
  if (int(x.size()) != dims_ || points_.empty()) return std::nullopt;
  std::vector<double> lx;
  for (double c : x) {
    if (!(c > 0) || !std::isfinite(c)) return std::nullopt;
    lx.push_back(std::log(c));
  }
  sort();
  auto v = eval(0, 0, points_.size(), lx);
  if (!v) return std::nullopt;
  return std::exp(*v);
}

// Points [lo, hi) share their first `axis` coordinates and are sorted by coordinate `axis`.
std::optional<double> LogGrid::eval(int axis, std::size_t lo, std::size_t hi,
                                    const std::vector<double>& lx) const {
  if (axis == dims_) return points_[lo].lv;  // merged: one point left
  const double x = lx[std::size_t(axis)];
  // Group [a, b) of points whose coordinate `axis` equals that of point a.
  const auto group_end = [&](std::size_t a) {
    std::size_t b = a;
    while (b < hi &&
           std::abs(points_[b].lx[std::size_t(axis)] - points_[a].lx[std::size_t(axis)]) < kSame)
      ++b;
    return b;
  };
  std::size_t below = hi, below_end = hi;  // last group with value < x
  for (std::size_t a = lo; a < hi;) {
    const std::size_t b = group_end(a);
    const double g = points_[a].lx[std::size_t(axis)];
    if (std::abs(g - x) < kSame) return eval(axis + 1, a, b, lx);
    if (g > x) {
      if (below == hi) return std::nullopt;  // x is below the measured range
      auto v0 = eval(axis + 1, below, below_end, lx);
      auto v1 = eval(axis + 1, a, b, lx);
      if (!v0 || !v1) return std::nullopt;
      const double g0 = points_[below].lx[std::size_t(axis)];
      const double u = (x - g0) / (g - g0);
      return (1.0 - u) * *v0 + u * *v1;
    }
    below = a;
    below_end = b;
    a = b;
  }
  return std::nullopt;  // above the measured range
}

}  // namespace moesim
