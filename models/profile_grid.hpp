// Interpolation over measured points in log space: a nested grid whose axes need not be
// rectangular (each measured value of an outer axis carries its own inner axis values).
#pragma once

#include <optional>
#include <vector>

namespace moesim {

// Points x (every coordinate > 0) with a measured value v > 0. at(x) interpolates log v
// linearly in log x along the first axis between the two measured neighbours, each of which is
// evaluated the same way on the remaining axes; a coordinate equal to a measured value (within
// a relative 1e-9) uses that value alone. Hence: exact at measured points; between two points
// of one axis, monotone when the data are; outside the measured range of any axis that is
// needed, no value (the caller falls back). Repeated points are merged by geometric mean.
class LogGrid {
 public:
  explicit LogGrid(int dims) : dims_(dims) {}
  void add(const std::vector<double>& x, double value);  // x.size() == dims, all > 0
  // Sorts and merges the points; call once after the last add() before sharing the grid
  // between threads (at() on an unfinished grid finishes it first).
  void finish() { sort(); }
  [[nodiscard]] std::optional<double> at(const std::vector<double>& x) const;
  [[nodiscard]] bool empty() const { return points_.empty(); }
  [[nodiscard]] int dims() const { return dims_; }
  [[nodiscard]] std::size_t size() const { return points_.size(); }

 private:
  struct Point {
    std::vector<double> lx;  // log coordinates
    double lv = 0;           // mean log value
    int count = 0;
  };
  void sort() const;
  [[nodiscard]] std::optional<double> eval(int axis, std::size_t lo, std::size_t hi,
                                           const std::vector<double>& lx) const;

  int dims_;
  mutable std::vector<Point> points_;
  mutable bool sorted_ = true;
};

}  // namespace moesim
