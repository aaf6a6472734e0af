#include "analysis/sweep_spec.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "analysis/sweep_expr.hpp"

namespace moesim {
namespace {

constexpr const char* kDevices = "devices";
constexpr const char* kNodes = "cluster.nodes";
constexpr const char* kPerNode = "cluster.devices_per_node";

bool is_key_path(const std::string& p) {
  if (p.empty() || p.front() == '.' || p.back() == '.') return false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '.' && p[i - 1] == '.') return false;
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') return false;
  }
  return true;
}

std::string list_text(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Names an expression may read: every axis path, `devices`, and the base values.
std::vector<std::string> readable_names(const SweepSpec& spec) {
  std::vector<std::string> names;
  auto add = [&names](const std::string& n) {
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  };
  for (const auto& a : spec.axes) add(a.path);
  add(kDevices);
  for (const auto& [k, v] : spec.base_values) add(k);
  return names;
}

std::optional<std::size_t> axis_of(const SweepSpec& spec, const std::string& path) {
  for (std::size_t i = 0; i < spec.axes.size(); ++i) {
    if (spec.axes[i].path == path) return i;
  }
  return std::nullopt;
}

// Checks the names one expression reads; returns false (with a problem) on the first unknown.
bool check_names(const Expression& e, const std::vector<std::string>& valid,
                 const SuggestFn& suggest, SweepProblem p, std::vector<SweepProblem>& out) {
  for (const auto& n : e.names()) {
    bool ok = false;
    for (const auto& v : valid) ok = ok || v == n;
    if (ok) continue;
    p.message = "unknown name '" + n + "' at column " + std::to_string(e.column_of(n)) + " of '" +
                e.text() + "'; " + (suggest ? suggest(n, valid) : "valid: " + list_text(valid));
    out.push_back(p);
    return false;
  }
  return true;
}

// Depth-first search for a derived value that depends on itself; returns the cycle's text.
bool find_cycle(const SweepSpec& spec, const std::vector<std::optional<Expression>>& exprs,
                std::size_t i, std::vector<int>& state, std::vector<std::string>& trail) {
  state[i] = 1;
  trail.push_back(spec.axes[i].path);
  if (exprs[i]) {
    std::vector<std::string> reads = exprs[i]->names();
    for (const auto& n : reads) {
      std::vector<std::string> deps{n};
      if (n == kDevices) deps = {kNodes, kPerNode};
      for (const auto& d : deps) {
        const auto j = axis_of(spec, d);
        if (!j || spec.axes[*j].kind != AxisKind::kDerived || state[*j] == 2) continue;
        if (state[*j] == 1) {
          trail.push_back(d);
          return true;
        }
        if (find_cycle(spec, exprs, *j, state, trail)) return true;
      }
    }
  }
  state[i] = 2;
  trail.pop_back();
  return false;
}

// Evaluates the derived values and filters of one point.
class PointEvaluator {
 public:
  PointEvaluator(const SweepSpec& spec, std::vector<std::optional<std::string>>& values)
      : spec_(spec), values_(values), state_(spec.axes.size(), 0) {}

  double lookup(const std::string& name) {
    if (name == kDevices) return lookup(kNodes) * lookup(kPerNode);
    if (const auto i = axis_of(spec_, name)) {
      if (!values_[*i]) compute(*i);
      return number_of(name, *values_[*i]);
    }
    const auto it = spec_.base_values.find(name);
    if (it == spec_.base_values.end()) throw ExpressionError("unknown name '" + name + "'", 0);
    return number_of(name, it->second);
  }

  void compute(std::size_t i) {
    const SweepAxis& a = spec_.axes[i];
    if (state_[i] == 1) throw ExpressionError("'" + a.path + "' depends on itself", 0);
    state_[i] = 1;
    const Expression e = Expression::parse(a.expression);
    values_[i] =
        format_sweep_number(e.evaluate([this](const std::string& n) { return lookup(n); }));
    state_[i] = 2;
  }

 private:
  static double number_of(const std::string& name, const std::string& text) {
    double v = 0;
    if (!parse_sweep_number(text, v)) {
      throw ExpressionError("'" + name + "' is '" + text + "', not a number", 0);
    }
    return v;
  }

  const SweepSpec& spec_;
  std::vector<std::optional<std::string>>& values_;
  std::vector<int> state_;
};

}  // namespace

std::vector<std::string> swept_paths(const SweepSpec& spec) {
  std::vector<std::string> out;
  for (const auto& a : spec.axes) out.push_back(a.path);
  return out;
}

std::vector<SweepProblem> check_sweep(const SweepSpec& spec, const SuggestFn& suggest) {
  using Item = SweepProblem::Item;
  std::vector<SweepProblem> out;
  const std::vector<std::string> valid = readable_names(spec);
  std::optional<std::size_t> first_zip;
  bool any_axis = false;
  std::vector<std::optional<Expression>> exprs(spec.axes.size());
  for (std::size_t i = 0; i < spec.axes.size(); ++i) {
    const SweepAxis& a = spec.axes[i];
    SweepProblem p{Item::kAxis, i, ""};
    if (!is_key_path(a.path)) {
      p.message = "'" + a.path + "' is not a key path like 'deployment.tp'";
      out.push_back(p);
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (spec.axes[j].path == a.path) {
        p.message = "'" + a.path + "' is swept twice";
        out.push_back(p);
      }
    }
    if (a.kind == AxisKind::kDerived) {
      try {
        exprs[i] = Expression::parse(a.expression);
      } catch (const ExpressionError& e) {
        p.message = "bad expression '" + a.expression + "': " + e.what();
        out.push_back(p);
        continue;
      }
      if (exprs[i]->is_comparison()) {
        p.message = "a derived value is arithmetic, not a comparison: '" + a.expression + "'";
        out.push_back(p);
      }
      if (!check_names(*exprs[i], valid, suggest, p, out)) exprs[i].reset();
      continue;
    }
    any_axis = true;
    if (a.values.empty()) {
      p.message = "expected a non-empty list of values";
      out.push_back(p);
      continue;
    }
    if (a.kind == AxisKind::kZip) {
      if (!first_zip) {
        first_zip = i;
      } else if (spec.axes[*first_zip].values.size() != a.values.size()) {
        const SweepAxis& f = spec.axes[*first_zip];
        p.message = "zip lists must have equal lengths: '" + f.path + "' has " +
                    std::to_string(f.values.size()) + " values, '" + a.path + "' has " +
                    std::to_string(a.values.size());
        out.push_back(p);
      }
    }
  }
  if (!any_axis)
    out.push_back({Item::kSpec, 0, "a sweep needs at least one axis in 'grid' or 'zip'"});
  std::vector<int> state(spec.axes.size(), 0);
  for (std::size_t i = 0; i < spec.axes.size(); ++i) {
    std::vector<std::string> trail;
    if (spec.axes[i].kind == AxisKind::kDerived && state[i] == 0 &&
        find_cycle(spec, exprs, i, state, trail)) {
      std::string cycle;
      for (const auto& t : trail) cycle += (cycle.empty() ? "" : " -> ") + t;
      out.push_back({Item::kAxis, i, "derived values depend on themselves: " + cycle});
      break;
    }
  }
  for (std::size_t i = 0; i < spec.filters.size(); ++i) {
    SweepProblem p{Item::kFilter, i, ""};
    try {
      const Expression e = Expression::parse(spec.filters[i]);
      if (!e.is_comparison()) {
        p.message = "a filter is a comparison such as 'deployment.tp * deployment.ep <= 8', got '" +
                    spec.filters[i] + "'";
        out.push_back(p);
      }
      (void)check_names(e, valid, suggest, p, out);
    } catch (const ExpressionError& e) {
      p.message = "bad filter '" + spec.filters[i] + "': " + e.what();
      out.push_back(p);
    }
  }
  if (out.empty()) {
    // The size, guarding the product against overflow.
    std::size_t n = 1;
    bool zip_counted = false;
    for (const auto& a : spec.axes) {
      if (a.kind == AxisKind::kDerived || (a.kind == AxisKind::kZip && zip_counted)) continue;
      zip_counted = zip_counted || a.kind == AxisKind::kZip;
      if (n > kMaxSweepPoints / a.values.size()) {
        out.push_back({Item::kSpec, 0,
                       "the sweep has more than " + std::to_string(kMaxSweepPoints) + " points"});
        break;
      }
      n *= a.values.size();
    }
  }
  return out;
}

std::size_t sweep_size(const SweepSpec& spec) {
  std::size_t n = 1;
  bool zip_counted = false;
  for (const auto& a : spec.axes) {
    if (a.kind == AxisKind::kGrid) n *= a.values.size();
    if (a.kind == AxisKind::kZip && !zip_counted) {
      n *= a.values.size();
      zip_counted = true;
    }
  }
  return n;
}

std::vector<std::string> SweepPoint::overrides() const {
  std::vector<std::string> out;
  for (const auto& [path, value] : values) out.push_back(path + "=" + value);
  return out;
}

SweepPoint sweep_point(const SweepSpec& spec, std::size_t index) {
  std::size_t grid_count = 1;
  for (const auto& a : spec.axes) {
    if (a.kind == AxisKind::kGrid) grid_count *= a.values.size();
  }
  const std::size_t row = index / grid_count;
  std::size_t combo = index % grid_count;
  std::vector<std::optional<std::string>> values(spec.axes.size());
  // Mixed radix, last grid axis fastest: peel digits from the back.
  for (std::size_t k = spec.axes.size(); k-- > 0;) {
    const SweepAxis& a = spec.axes[k];
    if (a.kind == AxisKind::kGrid) {
      values[k] = a.values[combo % a.values.size()];
      combo /= a.values.size();
    } else if (a.kind == AxisKind::kZip) {
      values[k] = a.values.at(row);
    }
  }
  SweepPoint p;
  p.index = index;
  PointEvaluator ev(spec, values);
  std::size_t current = 0;
  try {
    for (std::size_t k = 0; k < spec.axes.size(); ++k) {
      current = k;
      if (!values[k]) ev.compute(k);
    }
  } catch (const ExpressionError& e) {
    p.fate = PointFate::kInvalid;
    p.reason = "derived " + spec.axes[current].path + ": " + e.what();
  }
  for (std::size_t k = 0; k < spec.axes.size(); ++k) {
    if (values[k]) p.values.emplace_back(spec.axes[k].path, *values[k]);
  }
  if (p.fate != PointFate::kRun) return p;
  for (const auto& f : spec.filters) {
    try {
      const Expression e = Expression::parse(f);
      if (e.evaluate([&ev](const std::string& n) { return ev.lookup(n); }) == 0) {
        p.fate = PointFate::kFiltered;
        p.reason = f;
        return p;
      }
    } catch (const ExpressionError& e) {
      p.fate = PointFate::kInvalid;
      p.reason = "filter '" + f + "': " + e.what();
      return p;
    }
  }
  return p;
}

std::vector<std::size_t> shard_indices(std::size_t size, std::size_t shard, std::size_t count) {
  std::vector<std::size_t> out;
  for (std::size_t i = shard; i < size; i += count) out.push_back(i);
  return out;
}

}  // namespace moesim
