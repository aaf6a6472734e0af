#include "analysis/serving_run.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "analysis/json_flat.hpp"
#include "models/csv.hpp"
#include "models/errors.hpp"
#include "workloads/flat_json.hpp"
#include "workloads/text_input.hpp"
#include "workloads/trace_source.hpp"

namespace moesim {
namespace {

using Kind = FlatJsonField::Kind;

constexpr const char* kClockRule =
    "(the engine clock must give queued_ts <= scheduled_ts <= first_token_ts <= last_token_ts)";

bool parse_number(const std::string& text, double& out) {
  const char* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, out);
  return r.ec == std::errc() && r.ptr == end && std::isfinite(out);
}

// meta.json: the flattened document plus the line of each dotted key (found by walking the
// key's components through the text, so "engine_kwargs.max_num_seqs" is not confused with
// resolved_config's key of the same name).
class MetaReader {
 public:
  explicit MetaReader(std::string path) : path_(std::move(path)) {
    std::ifstream in(path_, std::ios::binary);
    if (!in) throw InputError(path_ + ": cannot open file");
    std::stringstream ss;
    ss << in.rdbuf();
    text_ = ss.str();
    try {
      flat_ = flatten_json(text_);
    } catch (const JsonSyntaxError& e) {
      throw InputError(path_ + ":" + std::to_string(e.line()) + ":" + std::to_string(e.column()) +
                       ": malformed JSON: " + e.detail());
    }
  }

  [[nodiscard]] const FlatValue* find(const std::string& key) const { return find_flat(flat_, key); }

  [[nodiscard]] std::string where(const std::string& key) const {
    std::size_t pos = 0;
    std::size_t start = 0;
    while (start <= key.size()) {
      const std::size_t dot = key.find('.', start);
      const std::string part = key.substr(start, dot == std::string::npos ? dot : dot - start);
      const std::size_t hit = text_.find("\"" + part + "\"", pos);
      if (hit == std::string::npos) return path_;
      pos = hit;
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return path_ + ":" + std::to_string(line_at(pos));
  }

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw InputError(where(key) + ": " + key + ": " + what);
  }

  std::int64_t count(const std::string& key, std::int64_t min) const {
    const FlatValue* v = find(key);
    if (!v) throw InputError(path_ + ": " + key + ": missing");
    std::int64_t out = 0;
    if (!v->is_number || !parse_count(v->text, out) || out < min) {
      fail(key, "expected an integer >= " + std::to_string(min) + ", got " + shown(*v));
    }
    return out;
  }
  // Absent, null or an empty string.
  static bool blank(const FlatValue* v) {
    return !v || v->is_null || (!v->is_number && v->text.empty());
  }
  std::optional<std::int64_t> optional_count(const std::string& key, std::int64_t min) const {
    const FlatValue* v = find(key);
    if (blank(v)) return std::nullopt;  // absent or null
    return count(key, min);
  }
  std::optional<bool> optional_flag(const std::string& key) const {
    const FlatValue* v = find(key);
    if (blank(v)) return std::nullopt;
    if (v->is_number || (v->text != "true" && v->text != "false"))
      fail(key, "expected true or false, got " + shown(*v));
    return v->text == "true";
  }
  std::optional<double> optional_number(const std::string& key, double lo, double hi) const {
    const FlatValue* v = find(key);
    if (blank(v)) return std::nullopt;
    if (!v->is_number || v->number < lo || v->number > hi)
      fail(key, "expected a number in [" + number_text(lo) + ", " + number_text(hi) + "], got " +
                    shown(*v));
    return v->number;
  }
  std::string text(const std::string& key, bool required) const {
    const FlatValue* v = find(key);
    if (blank(v)) {
      if (required) throw InputError(path_ + ": " + key + ": missing");
      return "";
    }
    if (v->is_number) fail(key, "expected a string, got " + v->text);
    return v->text;
  }

 private:
  static std::string shown(const FlatValue& v) {
    return v.is_number || v.is_null ? v.text : "\"" + v.text + "\"";
  }
  [[nodiscard]] std::int64_t line_at(std::size_t byte) const {
    byte = std::min(byte, text_.size());
    return 1 + std::count(text_.begin(), text_.begin() + std::ptrdiff_t(byte), '\n');
  }

  std::string path_;
  std::string text_;
  FlatJson flat_;
};

ServingRunMeta read_meta(const MetaReader& m) {
  ServingRunMeta meta;
  meta.model = m.text("model", true);
  meta.engine_version = m.text("vllm_version", false);
  meta.num_requests = m.count("num_requests", 1);
  meta.max_num_seqs = m.count("engine_kwargs.max_num_seqs", 1);
  meta.max_num_batched_tokens = m.count("engine_kwargs.max_num_batched_tokens", 1);
  meta.tensor_parallel = int(m.optional_count("engine_kwargs.tensor_parallel_size", 1).value_or(1));
  meta.data_parallel = int(m.optional_count("engine_kwargs.data_parallel_size", 1).value_or(1));
  meta.max_model_len = m.optional_count("engine_kwargs.max_model_len", 1);
  meta.seed = m.optional_count("engine_kwargs.seed", 0).value_or(0);
  meta.tick_seconds = m.optional_number("tick_seconds", 1e-3, 1e6).value_or(1.0);
  meta.num_gpu_blocks = m.optional_count("kv_cache.num_gpu_blocks", 1);
  meta.block_size = int(m.optional_count("kv_cache.block_size", 1).value_or(16));
  meta.gpu_memory_utilization =
      m.optional_number("kv_cache.gpu_memory_utilization", 0.01, 1).value_or(0.9);
  meta.prefix_caching = m.optional_flag("kv_cache.enable_prefix_caching");
  const std::string sc = "resolved_config.scheduler_config.";
  meta.chunked_prefill = m.optional_flag(sc + "enable_chunked_prefill");
  meta.async_scheduling = m.optional_flag(sc + "async_scheduling");
  meta.reserve_full_isl = m.optional_flag(sc + "scheduler_reserve_full_isl");
  meta.device_name = m.text("hardware.device_name", false);
  return meta;
}

const FlatJsonField* field_of(const std::vector<FlatJsonField>& fields, const char* key) {
  for (const auto& f : fields) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

std::vector<ServingRunRequest> read_requests(const std::string& path) {
  LineReader in(path);
  std::vector<ServingRunRequest> out;
  std::vector<double> raw_queued;
  std::map<std::string, std::int64_t> seen;  // id -> line
  for (std::string line; in.next(line);) {
    const std::string where = in.where();
    std::vector<FlatJsonField> fields;
    try {
      fields = parse_flat_json_object(line);
    } catch (const RowError& e) {
      throw InputError(where + ": malformed JSON: " + e.what());
    }
    auto need = [&](const char* key) -> const FlatJsonField& {
      const FlatJsonField* f = field_of(fields, key);
      if (!f) throw InputError(where + ": " + key + ": missing");
      return *f;
    };
    auto count = [&](const char* key) {
      const FlatJsonField& f = need(key);
      std::int64_t v = 0;
      if (f.kind != Kind::kNumber || !parse_count(f.text, v) || v < 1)
        throw InputError(where + ": " + key + ": expected an integer >= 1, got " +
                         (f.kind == Kind::kNumber ? f.text : "a non-number"));
      return v;
    };
    auto time = [&](const char* key) {
      const FlatJsonField& f = need(key);
      double v = 0;
      if (f.kind != Kind::kNumber || !parse_number(f.text, v))
        throw InputError(where + ": " + key + ": expected a number of seconds, got " +
                         (f.kind == Kind::kNumber ? f.text : "a non-number"));
      return v;
    };
    ServingRunRequest r;
    const FlatJsonField& id = need("request_id");
    if (id.kind != Kind::kString && id.kind != Kind::kNumber)
      throw InputError(where + ": request_id: expected a string or a number");
    r.id = id.text;
    r.input_tokens = count("input_toks");
    r.output_tokens = count("output_toks");
    (void)time("arrival_time");  // wall clock: checked, not used (another clock)
    const char* names[4] = {"queued_ts", "scheduled_ts", "first_token_ts", "last_token_ts"};
    double t[4];
    for (int i = 0; i < 4; ++i) t[i] = time(names[i]);
    for (int i = 1; i < 4; ++i) {
      if (t[i] < t[i - 1])
        throw InputError(where + ": " + names[i] + ": " + need(names[i]).text + " is before " +
                         names[i - 1] + " " + need(names[i - 1]).text + " " + kClockRule);
    }
    if (auto [it, fresh] = seen.emplace(r.id, in.line_number()); !fresh)
      throw InputError(where + ": request_id: \"" + r.id + "\" repeats line " +
                       std::to_string(it->second));
    r.queued = t[0];
    r.scheduled = t[1];
    r.first_token = t[2];
    r.last_token = t[3];
    out.push_back(r);
  }
  if (out.empty()) throw InputError(path + ": no requests");
  double origin = out.front().queued;
  for (const auto& r : out) origin = std::min(origin, r.queued);
  for (auto& r : out) {
    r.queued -= origin;
    r.scheduled -= origin;
    r.first_token -= origin;
    r.last_token -= origin;
  }
  std::stable_sort(out.begin(), out.end(), [](const ServingRunRequest& a, const ServingRunRequest& b) {
    return a.queued < b.queued;
  });
  return out;
}

std::vector<ServingRunTick> read_ticks(const std::string& path) {
  std::vector<ServingRunTick> out;
  if (!std::filesystem::exists(path)) return out;
  std::ifstream file(path, std::ios::binary);
  if (!file) throw InputError(path + ": cannot open file");
  CsvReader in(file, path, CsvOptions{.trim = true});  // a wrong field count: "PATH:LINE: ..."
  if (!in.has_header()) return out;
  std::size_t col[3];
  const char* want[3] = {"t", "running", "waiting"};
  for (int i = 0; i < 3; ++i) {
    const auto c = in.column(want[i]);
    if (!c)
      throw InputError(in.where() + ": header: missing column \"" + want[i] + "\" (has: " +
                       join_fields(in.header()) + ")");
    col[i] = *c;
  }
  CsvRecord row;
  while (in.next(row)) {
    double v[3];
    for (int i = 0; i < 3; ++i) {
      const std::string& text = row.fields[col[i]];
      if (!parse_number(text, v[i]) || v[i] < 0)
        throw InputError(in.where() + ": " + want[i] + ": expected a number >= 0, got \"" + text +
                         "\"");
    }
    if (!out.empty() && v[0] <= out.back().t)
      throw InputError(in.where() + ": t: " + number_text(v[0]) + " does not follow " +
                       number_text(out.back().t) + " (ticks must increase)");
    out.push_back({v[0], v[1], v[2]});
  }
  return out;
}

}  // namespace

ServingRun read_serving_run(const std::string& dir) {
  if (!std::filesystem::is_directory(dir)) throw InputError(dir + ": not a folder");
  ServingRun run;
  run.dir = dir;
  const std::string meta_path = (std::filesystem::path(dir) / "meta.json").string();
  const MetaReader meta(meta_path);
  run.meta = read_meta(meta);
  const std::string req_path = (std::filesystem::path(dir) / "requests.jsonl").string();
  run.requests = read_requests(req_path);
  if (std::int64_t(run.requests.size()) != run.meta.num_requests)
    meta.fail("num_requests", std::to_string(run.meta.num_requests) + ", but " + req_path +
                                  " holds " + std::to_string(run.requests.size()) + " requests");
  run.ticks = read_ticks((std::filesystem::path(dir) / "timeseries.csv").string());
  return run;
}

}  // namespace moesim
