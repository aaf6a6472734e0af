// The `profiled` cost model; lookup rules in cost_profiled.hpp.
#include "models/cost_profiled.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <vector>

#include "models/errors.hpp"
#include "models/param_error.hpp"

namespace moesim {
namespace {

constexpr double kExactTol = 1e-9;  // relative: a shape or byte count this close is the same

bool same(double a, double b) { return std::abs(a - b) <= kExactTol * std::max(a, b); }
double log_dist(double a, double b) { return std::abs(std::log(a / b)); }
// bf16 rows serve fp16 ops: same width and peak on the devices profiled.
DType table_dtype(DType d) { return d == DType::kFp16 ? DType::kBf16 : d; }
double roof(const Op& op, const Hardware& hw) { return roofline_time(op, hw).time.value(); }

// The measured elementwise table that prices `op`: its own for the kinds the profiler times,
// else the plain copy.
const char* elementwise_kernel(const Op& op) {
  switch (op.kind) {
    case OpKind::kNorms:
      return "norms_residual";
    case OpKind::kEmbedding:
      return "embedding";
    case OpKind::kSampling:
    case OpKind::kRejection:
      return "sampling";
    default:
      return "copy";
  }
}

}  // namespace

const char* profile_family_name(ProfileFamily f) {
  switch (f) {
    case ProfileFamily::kGemm:
      return "gemm";
    case ProfileFamily::kGroupedGemm:
      return "grouped_gemm";
    case ProfileFamily::kAttention:
      return "attention";
    case ProfileFamily::kElementwise:
      return "elementwise";
    case ProfileFamily::kCommunication:
      return "communication";
  }
  return "?";
}

bool has_own_profile_table(const Op& op) {
  if (op.collective != Collective::kNone || op.op_class != OpClass::kElementwise) return true;
  switch (op.kind) {
    case OpKind::kNorms:
    case OpKind::kEmbedding:
    case OpKind::kSampling:
    case OpKind::kElementwiseCopy:
      return true;  // the table of its own kernel
    default:
      return false;  // priced from another kernel's table (rejection sampling from sampling's)
  }
}

ProfileFamily profile_family(const Op& op) {
  if (op.collective != Collective::kNone) return ProfileFamily::kCommunication;
  if (op.kind == OpKind::kAttnCore) return ProfileFamily::kAttention;
  if (op.kind == OpKind::kRoutedExperts) return ProfileFamily::kGroupedGemm;
  switch (op.op_class) {
    case OpClass::kGemm:
      return ProfileFamily::kGemm;
    case OpClass::kGroupedGemm:
      return ProfileFamily::kGroupedGemm;
    case OpClass::kAttention:
      return ProfileFamily::kAttention;
    case OpClass::kElementwise:
      return ProfileFamily::kElementwise;
    case OpClass::kCommunication:
      return ProfileFamily::kCommunication;
  }
  return ProfileFamily::kGemm;
}

std::uint64_t ProfiledCounters::fallbacks() const {
  std::uint64_t s = 0;
  for (auto v : fallback) s += v;
  return s;
}

std::uint64_t ProfiledCounters::lookups() const {
  std::uint64_t s = fallbacks();
  for (int i = 0; i < kProfileFamilies; ++i) s += exact[std::size_t(i)] + scaled[std::size_t(i)];
  return s;
}

ProfiledCostModel::ProfiledCostModel(const ProfileTables& t,
                                     std::shared_ptr<const CostModel> fallback, std::string routing)
    : fallback_(std::move(fallback)), metadata_(t.metadata) {
  if (!fallback_) throw ConfigError("cost model 'profiled': no fallback model");
  for (const auto& r : t.gemm)
    gemm_.try_emplace({table_dtype(r.dtype), r.n, r.k}, 1).first->second.add({r.m}, r.time_s);
  const bool any_routing = std::none_of(t.grouped.begin(), t.grouped.end(),
                                        [&](const GroupedRow& r) { return r.routing == routing; });
  for (const auto& r : t.grouped) {
    if (!any_routing && r.routing != routing) continue;
    grouped_.try_emplace({r.hidden, r.inter}, 2)
        .first->second.add({r.experts_active, r.tokens}, r.time_s);
  }
  for (const auto& r : t.decode) {
    decode_.try_emplace(r.config, 3).first->second.add({r.q, r.batch, r.context + r.q}, r.time_s);
    double& qmax = decode_q_max_[r.config];
    qmax = std::max(qmax, r.q);
  }
  for (const auto& r : t.prefill)
    prefill_.try_emplace(r.config, 2).first->second.add({r.chunk, r.context + r.chunk}, r.time_s);
  for (const auto& r : t.elementwise)
    elementwise_.try_emplace(r.kernel, 1).first->second.add({r.bytes}, r.time_s);
  for (auto* grids : {&decode_, &prefill_})
    for (auto& [k, g] : *grids) g.finish();
  for (auto& [k, g] : gemm_) g.finish();
  for (auto& [k, g] : grouped_) g.finish();
  for (auto& [k, g] : elementwise_) g.finish();
}

auto ProfiledCostModel::gemm(double m, double n, double k, DType dt, const Hardware& hw) const
    -> std::optional<Value> {
  if (!(m > 0 && n > 0 && k > 0) || gemm_.empty()) return std::nullopt;
  const DType want = table_dtype(dt);
  for (auto it = gemm_.lower_bound({want, n * (1 - kExactTol), 0});
       it != gemm_.end() && std::get<0>(it->first) == want &&
       std::get<1>(it->first) <= n * (1 + kExactTol);
       ++it) {
    if (!same(std::get<1>(it->first), n) || !same(std::get<2>(it->first), k)) continue;
    if (auto v = it->second.at({m})) return Value{*v, false};
    return std::nullopt;
  }
  // Nearest shape, of the op's dtype when that dtype has tables, else of any dtype.
  const bool have_dtype = std::any_of(gemm_.begin(), gemm_.end(),
                                      [&](const auto& e) { return std::get<0>(e.first) == want; });
  const GemmKey* best = nullptr;
  double best_d = std::numeric_limits<double>::infinity();
  for (const auto& [key, grid] : gemm_) {
    const auto& [d, n2, k2] = key;
    if (have_dtype && d != want) continue;
    const double dist = log_dist(n, n2) + log_dist(k, k2);
    if (dist < best_d - kExactTol || (std::abs(dist - best_d) <= kExactTol &&
                                      n2 * k2 < std::get<1>(*best) * std::get<2>(*best))) {
      best_d = dist;
      best = &key;
    }
  }
  auto v = gemm_.at(*best).at({m});
  if (!v) return std::nullopt;
  const auto& [d2, n2, k2] = *best;
  return Value{*v * roof(table_gemm_op(m, n, k, dt), hw) / roof(table_gemm_op(m, n2, k2, d2), hw),
               true};
}

auto ProfiledCostModel::gemm_op(const Op& op, const Hardware& hw) const -> std::optional<Value> {
  const double m = op.m, n = op.n, k = op.k;
  if (!(m > 0 && n > 0 && k > 0)) return std::nullopt;
  const double mats = op.flops.value() / (2.0 * m * n * k);
  const bool ffn = op.kind == OpKind::kDenseFfn || op.kind == OpKind::kSharedExperts;
  auto sum = [](std::optional<Value> a, std::optional<Value> b) -> std::optional<Value> {
    if (!a || !b) return std::nullopt;
    return Value{a->seconds + b->seconds, a->scaled || b->scaled};
  };
  if (same(mats, 1.0)) return gemm(m, n, k, op.dtype, hw);
  if (ffn && same(mats, 3.0))
    return sum(gemm(m, 2 * n, k, op.dtype, hw), gemm(m, k, n, op.dtype, hw));
  if (ffn && same(mats, 2.0)) return sum(gemm(m, n, k, op.dtype, hw), gemm(m, k, n, op.dtype, hw));
  // A composite (MLA projections): the hint shape, scaled by the roofline of the real work.
  auto v = gemm(m, n, k, op.dtype, hw);
  if (!v) return std::nullopt;
  return Value{v->seconds * roof(op, hw) / roof(table_gemm_op(m, n, k, op.dtype), hw), true};
}

auto ProfiledCostModel::grouped(const Op& op, const Hardware& hw) const -> std::optional<Value> {
  const double rows = op.m, active = op.n, inter = op.k;
  if (!(rows > 0 && active > 0 && inter > 0) || grouped_.empty()) return std::nullopt;
  const double hidden = op.flops.value() / (6.0 * rows * inter);
  const std::pair<double, double>* best = nullptr;
  double best_d = std::numeric_limits<double>::infinity();
  for (const auto& [key, grid] : grouped_) {
    const double dist = log_dist(hidden, key.first) + log_dist(inter, key.second);
    if (dist < best_d - kExactTol) {
      best_d = dist;
      best = &key;
    }
  }
  auto v = grouped_.at(*best).at({active, rows});
  if (!v) return std::nullopt;
  const bool exact = same(best->first, hidden) && same(best->second, inter) &&
                     table_dtype(op.dtype) == DType::kBf16;
  if (exact) return Value{*v, false};
  const Op ref = table_grouped_op(rows, active, best->first, best->second, DType::kBf16);
  return Value{*v * roof(op, hw) / roof(ref, hw), true};
}

auto ProfiledCostModel::attention(const Op& op, const Hardware& hw) const -> std::optional<Value> {
  const double t = op.m, n = op.n, flops = op.flops.value(), bytes = op.bytes.value();
  if (!(t > 0 && n > 0 && flops > 0 && bytes > 0)) return std::nullopt;
  // B equal sequences of q tokens over context L: t = Bq, n = B(L + q),
  // pairs = Bq(L + (q+1)/2)  =>  B = (n - t/2) / (pairs/t - 1/2).
  struct Reading {
    const AttentionConfig* config = nullptr;
    int shard = 1;
    double dist = 0, b = 0, q = 0, l = 0, irregular = 0;
    bool prefill = false;
  };
  auto read_as = [&](const AttentionConfig& c, int shard, double dist) -> std::optional<Reading> {
    const AttentionWork w = attention_work(c, shard);
    auto qmax = decode_q_max_.find(c);
    for (bool prefill : {false, true}) {
      if (!prefill && qmax == decode_q_max_.end()) continue;
      if (prefill && !prefill_.count(c)) continue;
      const double r =
          flops / (prefill ? w.flops_per_pair_prefill : w.flops_per_pair_decode) / t - 0.5;
      const double b = (n - 0.5 * t) / r;
      if (!(r > 0) || !(b > 0) || !std::isfinite(b)) continue;
      const double q = t / b, l = n / b - q;
      if (l < -1e-6 * (n / b)) continue;
      if (!prefill && q > qmax->second * (1 + kExactTol)) continue;
      const double irregular = std::abs(b - std::round(b)) / std::max(1.0, b) +
                               std::abs(q - std::round(q)) / std::max(1.0, q);
      return Reading{&c, shard, dist, b, q, std::max(0.0, l), irregular, prefill};
    }
    return std::nullopt;
  };
  // Layouts and head splits whose bytes per KV entry and per token give op.bytes (the closest
  // when none does). Ties (different layouts can move the same bytes for one n / t) go to the
  // unsplit layout, then to the one that reads as whole sequences and tokens, then map order.
  std::vector<Reading> found;
  double best_d = std::numeric_limits<double>::infinity();
  auto consider = [&](const AttentionConfig& c) {
    for (int s = 1; s <= c.heads && c.heads % s == 0; s *= 2) {
      const AttentionWork w = attention_work(c, s);
      const double d = log_dist(n * w.kv_bytes_per_entry + 2.0 * t * w.act_elems_per_token, bytes);
      if (d > best_d + kExactTol) continue;
      if (auto r = read_as(c, s, d)) {
        found.push_back(*r);
        best_d = std::min(best_d, d);
      }
    }
  };
  for (const auto& [c, g] : decode_) consider(c);
  for (const auto& [c, g] : prefill_)
    if (!decode_.count(c)) consider(c);
  const Reading* best = nullptr;
  for (const auto& r : found) {
    if (r.dist > best_d + kExactTol) continue;
    if (!best ||
        std::make_pair(r.shard, r.irregular) < std::make_pair(best->shard, best->irregular))
      best = &r;
  }
  if (!best) return std::nullopt;
  double measured = 0;
  if (!best->prefill) {
    auto v = decode_.at(*best->config).at({best->q, best->b, best->l + best->q});
    if (!v) return std::nullopt;
    measured = *v;
  } else {
    auto pit = prefill_.find(*best->config);
    if (pit == prefill_.end()) return std::nullopt;
    auto v = pit->second.at({best->q, best->l + best->q});
    if (!v) return std::nullopt;
    measured = best->b * *v;
  }
  if (best->shard == 1 && best->dist < kExactTol && table_dtype(op.dtype) == DType::kBf16)
    return Value{measured, false};
  const Op ref = table_attention_op(*best->config, best->b, best->q, best->l, best->prefill, 1);
  return Value{measured * roof(op, hw) / roof(ref, hw), true};
}

auto ProfiledCostModel::elementwise(const Op& op, const Hardware& hw) const
    -> std::optional<Value> {
  const double bytes = op.bytes.value();
  if (!(bytes > 0)) return std::nullopt;
  std::string kernel = elementwise_kernel(op);
  bool stand_in = !has_own_profile_table(op);
  auto it = elementwise_.find(kernel);
  if (it == elementwise_.end()) {
    it = elementwise_.find("copy");
    stand_in = true;
    if (it == elementwise_.end()) return std::nullopt;
  }
  auto v = it->second.at({bytes});
  if (!v) return std::nullopt;
  (void)hw;  // the roofline of an elementwise op depends on its bytes alone: the ratio is 1
  return Value{*v, stand_in};
}

std::optional<double> ProfiledCostModel::lookup(const Op& op, const Hardware& hw,
                                                Lookup* how) const {
  std::optional<Value> v;
  switch (profile_family(op)) {
    case ProfileFamily::kGemm:
      v = gemm_op(op, hw);
      break;
    case ProfileFamily::kGroupedGemm:
      v = grouped(op, hw);
      break;
    case ProfileFamily::kAttention:
      v = attention(op, hw);
      break;
    case ProfileFamily::kElementwise:
      v = elementwise(op, hw);
      break;
    case ProfileFamily::kCommunication:
      break;
  }
  if (!v) return std::nullopt;
  if (how) *how = v->scaled ? Lookup::kScaled : Lookup::kExact;
  return v->seconds;
}

OpTime ProfiledCostModel::time(const Op& op, const Hardware& hw) const {
  if (!hardware_matches(hw)) ++mismatch_;
  const auto f = std::size_t(profile_family(op));
  Lookup how = Lookup::kExact;
  auto v = lookup(op, hw, &how);
  if (!v) {
    ++fallback_count_[f];
    return fallback_->time(op, hw);
  }
  ++(how == Lookup::kExact ? exact_ : scaled_)[f];
  return {Seconds(*v), roofline_time(op, hw).compute_bound};
}

bool ProfiledCostModel::hardware_matches(const Hardware& hw) const {
  std::lock_guard<std::mutex> lock(hw_mutex_);
  auto it = hw_checked_.find(hw.name);
  if (it != hw_checked_.end()) return it->second;
  bool match = false;
  if (!metadata_.hardware_preset.empty()) {
    match = metadata_.hardware_preset == hw.name;
  } else if (!metadata_.device_name.empty() && !hw.name.empty()) {
    std::string device = metadata_.device_name, chip = hw.name.substr(0, hw.name.find('-'));
    for (auto* s : {&device, &chip})
      std::transform(s->begin(), s->end(), s->begin(),
                     [](unsigned char c) { return char(std::tolower(c)); });
    match = device.find(chip) != std::string::npos;
  }
  hw_checked_[hw.name] = match;
  return match;
}

ProfiledCounters ProfiledCostModel::counters() const {
  ProfiledCounters c;
  for (std::size_t i = 0; i < std::size_t(kProfileFamilies); ++i) {
    c.exact[i] = exact_[i];
    c.scaled[i] = scaled_[i];
    c.fallback[i] = fallback_count_[i];
  }
  c.hardware_mismatch = mismatch_;
  return c;
}

void ProfiledCostModel::reset_counters() const {
  for (std::size_t i = 0; i < std::size_t(kProfileFamilies); ++i)
    exact_[i] = scaled_[i] = fallback_count_[i] = 0;
  mismatch_ = 0;
}

void register_profiled_cost_model(CostModelRegistry& r) {
  ParamSpec profile;
  profile.name = "profile";
  profile.type = ParamType::kString;
  profile.help = "folder of tables written by profiler/profile_ops.py (gemm.csv, ...)";
  r.add({"profiled",
         "operator times interpolated in log space from measured tables; the fallback model "
         "outside them (counted)",
         {profile,
          string_param("fallback", "roofline", {},
                       "cost model (without parameters) for ops outside the tables"),
          string_param("routing", "uniform", {"uniform", "skewed"},
                       "expert assignment of the grouped-GEMM rows used")},
         [](const ParamSet& p) -> std::unique_ptr<CostModel> {
           const std::string& fb = p.text("fallback");
           if (fb == "profiled")
             throw ConfigError("cost model 'profiled': fallback cannot be 'profiled'");
           const std::string& dir = p.text("profile");
           if (!std::filesystem::is_directory(dir)) {
             throw ParamInputError("profile", dir + ": no such profile folder");
           }
           std::shared_ptr<const CostModel> fallback = cost_models().create(fb, {});
           return std::make_unique<ProfiledCostModel>(read_profile(dir),
                                                      std::move(fallback), p.text("routing"));
         }});
}

}  // namespace moesim
