// What a sweep varies, and its points. A sweep is a base scenario plus axes over scenario key
// paths: `grid` (cartesian product), `zip` (lists paired by position), `derived` (a value computed
// from the others) and `filters` (comparisons; a point failing one is recorded, not run). This
// header knows no YAML: scenarios/sweep_loader reads the file into a SweepSpec.
//
// Order of points (stable, so indices mean the same thing in every run, shard and merge): zip rows
// outer, grid combinations inner with the last grid axis varying fastest. Point i is
// (zip row i / G, grid combination i % G), G = product of the grid lengths.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace moesim {

enum class AxisKind { kGrid, kZip, kDerived };

struct SweepAxis {
  AxisKind kind = AxisKind::kGrid;
  std::string path;                 // scenario key path, e.g. "deployment.tp"
  std::vector<std::string> values;  // grid and zip: each value as `--set path=value` writes it
  std::string expression;           // derived: arithmetic over other axes and `devices`
};

struct SweepSpec {
  std::vector<SweepAxis> axes;       // in the order written: the swept columns of results.csv
  std::vector<std::string> filters;  // comparisons every point that runs satisfies
  // Base-scenario values that expressions may read when no axis sets them: `devices` is
  // cluster.nodes x cluster.devices_per_node, taken from the point or else from here.
  std::map<std::string, std::string> base_values;
};

// One problem in a spec, tied to the item it concerns so that the loader can name its place.
struct SweepProblem {
  enum class Item { kSpec, kAxis, kFilter };
  Item item = Item::kSpec;
  std::size_t index = 0;  // into axes or filters
  std::string message;
};

// Formats "unknown name" hints: (word, candidates) -> "did you mean ...? (valid: ...)".
using SuggestFn =
    std::function<std::string(const std::string& word, const std::vector<std::string>& candidates)>;

// Most points one sweep may have.
inline constexpr std::size_t kMaxSweepPoints = 1000000;

// Every problem of `spec` at once: no grid or zip axis, an empty list, zip lists of unequal
// lengths, a path swept twice or not shaped like a key path, an expression that does not parse,
// reads an unknown name or depends on itself, a derived value that is a comparison, a filter
// that is not one, more than kMaxSweepPoints points. `suggest` may be empty (lists valid names).
[[nodiscard]] std::vector<SweepProblem> check_sweep(const SweepSpec& spec,
                                                    const SuggestFn& suggest = {});

// Number of points: (zip length, or 1) x product of the grid lengths.
// Precondition: check_sweep(spec) is empty.
[[nodiscard]] std::size_t sweep_size(const SweepSpec& spec);

enum class PointFate { kRun, kFiltered, kInvalid };

struct SweepPoint {
  std::size_t index = 0;
  // (path, value) for every axis in axis order; a derived value that could not be computed is
  // absent.
  std::vector<std::pair<std::string, std::string>> values;
  PointFate fate = PointFate::kRun;
  // kFiltered: the text of the first filter the point fails. kInvalid: why a derived value or a
  // filter could not be evaluated ("derived deployment.ep: division by zero at column 9").
  std::string reason;
  // "path=value" for every value, in order: the --set arguments of the point's run.
  [[nodiscard]] std::vector<std::string> overrides() const;
};

// The point with `index` (< sweep_size(spec)). Derived values are computed in dependency order
// (integral results written as integers), then filters are tried in order.
// Precondition: check_sweep(spec) is empty.
[[nodiscard]] SweepPoint sweep_point(const SweepSpec& spec, std::size_t index);

// The indices shard `shard` of `count` runs: index % count == shard, ascending.
// Precondition: shard < count.
[[nodiscard]] std::vector<std::size_t> shard_indices(std::size_t size, std::size_t shard,
                                                     std::size_t count);

// Swept key paths in axis order (the swept columns of results.csv).
[[nodiscard]] std::vector<std::string> swept_paths(const SweepSpec& spec);

}  // namespace moesim
