#include "fidelity/vidur_profile.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include "models/csv.hpp"
#include "models/errors.hpp"
#include "models/profile_table.hpp"

namespace moesim {
namespace {

constexpr double kElem = 2.0;  // Vidur runs in fp16: 2 bytes per element

// Figures from each model's Hugging Face config.json (head dim = hidden_size /
// num_attention_heads everywhere; no num_key_value_heads means MHA).
const std::vector<VidurModel> kModels = {
    // https://huggingface.co/meta-llama/Llama-2-7b-hf/blob/main/config.json: hidden_size 4096,
    // num_attention_heads 32, num_key_value_heads 32, intermediate_size 11008, LlamaMLP (SiLU,
    // gate/up/down).
    {"Llama-2-7b-hf", "", 4096, 32, 32, 128, 11008, true, false},
    // https://huggingface.co/meta-llama/Llama-2-70b-hf/blob/main/config.json: hidden_size 8192,
    // num_attention_heads 64, num_key_value_heads 8, intermediate_size 28672, LlamaMLP.
    {"Llama-2-70b-hf", "", 8192, 64, 8, 128, 28672, true, false},
    // https://huggingface.co/meta-llama/Meta-Llama-3-8B/blob/main/config.json (catalog preset
    // llama-3-8b): hidden_size 4096, heads 32, kv heads 8, intermediate_size 14336, LlamaMLP.
    {"Meta-Llama-3-8B", "llama-3-8b", 4096, 32, 8, 128, 14336, true, false},
    // https://huggingface.co/meta-llama/Meta-Llama-3-70B/blob/main/config.json (catalog preset
    // llama-3-70b): hidden_size 8192, heads 64, kv heads 8, intermediate_size 28672, LlamaMLP.
    {"Meta-Llama-3-70B", "llama-3-70b", 8192, 64, 8, 128, 28672, true, false},
    // https://huggingface.co/codellama/CodeLlama-34b-Instruct-hf/blob/main/config.json:
    // hidden_size 8192, num_attention_heads 64, num_key_value_heads 8, intermediate_size 22016.
    {"CodeLlama-34b-Instruct-hf", "", 8192, 64, 8, 128, 22016, true, false},
    // https://huggingface.co/internlm/internlm-20b/blob/main/config.json: hidden_size 5120,
    // num_attention_heads 40 (no num_key_value_heads: MHA), intermediate_size 13824, SiLU gated.
    {"internlm-20b", "", 5120, 40, 40, 128, 13824, true, false},
    // https://huggingface.co/Qwen/Qwen-72B/blob/main/config.json: hidden_size 8192,
    // num_attention_heads 64 (MHA), kv_channels 128, intermediate_size 49152; QWenMLP's w1 and
    // w2 each have intermediate_size / 2 = 24576 outputs (gated, SiLU).
    {"Qwen-72B", "", 8192, 64, 64, 128, 24576, true, false},
    // https://huggingface.co/microsoft/phi-2/blob/main/config.json: hidden_size 2560,
    // num_attention_heads 32, num_key_value_heads null (MHA), intermediate_size 10240,
    // hidden_act gelu_new (fc1/fc2, not gated); PhiDecoderLayer runs attention and MLP in
    // parallel on one input_layernorm. (partial_rotary_factor 0.4, but Vidur rotates the whole
    // head dim, and the ops here count what Vidur ran.)
    {"phi-2", "", 2560, 32, 32, 80, 10240, false, true},
};

// Column order of a converted row (also the order of by_op in the report).
constexpr std::array<const char*, 9> kColumns = {"input_layernorm",
                                                 "attn_pre_proj",
                                                 "attn_rope",
                                                 "attn_post_proj",
                                                 "post_attention_layernorm",
                                                 "mlp_up_proj",
                                                 "mlp_act",
                                                 "mlp_down_proj",
                                                 "add"};

Op vidur_elementwise(const char* name, double bytes) {
  Op op;
  op.name = name;
  op.op_class = OpClass::kElementwise;
  op.dtype = DType::kFp16;
  op.bytes = Bytes(bytes);
  op.m = bytes;
  return op;
}

// A headed CSV (models/csv.hpp); a header starting with ',' has an unnamed first column.
struct Table {
  std::string path;
  std::vector<std::string> header;
  struct Row {
    int line;
    std::vector<std::string> fields;
  };
  std::vector<Row> rows;

  [[nodiscard]] std::string where(int line) const {
    return path + ":" + std::to_string(line) + ": ";
  }
  [[nodiscard]] bool has(const std::string& col) const {
    return std::find(header.begin(), header.end(), col) != header.end();
  }
  void require(const std::string& col) const {
    if (!has(col)) throw InputError(where(1) + "missing column '" + col + "'");
  }
  [[nodiscard]] const std::string& text(const Row& r, const std::string& col) const {
    return r.fields[std::size_t(std::find(header.begin(), header.end(), col) - header.begin())];
  }
  [[nodiscard]] double number(const Row& r, const std::string& col) const {
    const std::string& s = text(r, col);
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || errno != 0 || !std::isfinite(v))
      throw InputError(where(r.line) + "column '" + col + "': '" + s + "' is not a number");
    if (v <= 0) throw InputError(where(r.line) + "column '" + col + "' must be > 0, got " + s);
    return v;
  }
  [[nodiscard]] int whole(const Row& r, const std::string& col) const {
    const double v = number(r, col);
    if (v != std::floor(v) || v > 1e9)
      throw InputError(where(r.line) + "column '" + col + "' must be a whole number, got " +
                       text(r, col));
    return int(v);
  }
  [[nodiscard]] bool flag(const Row& r, const std::string& col) const {
    const std::string& s = text(r, col);
    if (s == "True" || s == "true" || s == "1") return true;
    if (s == "False" || s == "false" || s == "0") return false;
    throw InputError(where(r.line) + "column '" + col + "': '" + s + "' is not True or False");
  }
};

Table read_table(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open");
  Table t;
  t.path = path;
  // A record of another width than the header: "PATH:LINE: expected N fields, got M".
  CsvReader reader(in, path);
  if (!reader.has_header()) throw InputError(path + ": empty file (no header row)");
  t.header = reader.header();
  for (CsvRecord rec; reader.next(rec);) t.rows.push_back({int(rec.line), std::move(rec.fields)});
  return t;
}

std::string median_column(const std::string& op) { return "time_stats." + op + ".median"; }

// The op names of the time_stats.X.median columns, in header order.
std::vector<std::string> timed_ops(const Table& t) {
  std::vector<std::string> out;
  const std::string pre = "time_stats.", post = ".median";
  for (const auto& c : t.header) {
    if (c.size() > pre.size() + post.size() && c.rfind(pre, 0) == 0 &&
        c.compare(c.size() - post.size(), post.size(), post) == 0)
      out.push_back(c.substr(pre.size(), c.size() - pre.size() - post.size()));
  }
  return out;
}

void check_dim(const Table& t, const Table::Row& r, const std::string& col, int expected,
               const VidurModel& m, const char* what) {
  const int v = t.whole(r, col);
  if (v != expected)
    throw InputError(t.where(r.line) + "column '" + col + "' is " + std::to_string(v) + " but " +
                     m.name + " has " + what + " " + std::to_string(expected));
}

}  // namespace

const std::vector<VidurModel>& vidur_models() { return kModels; }

std::optional<VidurModel> find_vidur_model(std::string_view name) {
  for (const auto& m : kModels)
    if (m.name == name) return m;
  return std::nullopt;
}

VidurModel vidur_model_from_preset(const VidurModel& entry, const ModelArch& a) {
  VidurModel m = entry;
  m.hidden = a.hidden;
  m.heads = a.heads;
  m.kv_heads = a.kv_heads;
  m.head_dim = a.head_dim;
  m.intermediate = a.ffn_intermediate;
  m.gated = a.ffn_gated;
  return m;
}

std::optional<Op> vidur_op(std::string_view column, const VidurModel& m, double tokens, int tp) {
  if (tp < 1 || m.heads % tp != 0)
    throw ConfigError("tp=" + std::to_string(tp) + " does not divide " + std::to_string(m.heads) +
                      " heads of " + m.name);
  const double t = tokens, h = double(m.hidden), d = double(m.head_dim);
  const double q_heads = double(m.heads) / tp;
  const double kv_heads = std::max(1.0, double(m.kv_heads) / tp);
  const double inter = double(m.intermediate) / tp;
  auto gemm = [&](const char* name, double n, double k) {
    Op op = table_gemm_op(t, n, k, DType::kFp16);
    op.name = name;
    return op;
  };
  if (column == "attn_pre_proj") return gemm("attn_pre_proj", (q_heads + 2 * kv_heads) * d, h);
  if (column == "attn_post_proj") return gemm("attn_post_proj", h, q_heads * d);
  if (column == "mlp_up_proj") return gemm("mlp_up_proj", (m.gated ? 2.0 : 1.0) * inter, h);
  if (column == "mlp_down_proj") return gemm("mlp_down_proj", h, inter);
  if (column == "input_layernorm") return vidur_elementwise("input_layernorm", 2.0 * t * h * kElem);
  if (column == "post_attention_layernorm")
    return vidur_elementwise("post_attention_layernorm", 2.0 * t * h * kElem);
  if (column == "attn_rope")
    return vidur_elementwise("attn_rope",
                             2.0 * t * (q_heads + kv_heads) * d * kElem + t * d * kElem + t * 8.0);
  if (column == "mlp_act")
    return vidur_elementwise("mlp_act", (m.gated ? 3.0 : 2.0) * t * inter * kElem);
  if (column == "add")
    return vidur_elementwise("add", (m.parallel_block ? 6.0 : 3.0) * t * h * kElem);
  return std::nullopt;
}

VidurCompute read_vidur_compute(const std::string& path, const std::optional<VidurModel>& model) {
  const Table t = read_table(path);
  for (const char* c : {"n_head", "n_kv_head", "n_embd", "n_expanded_embd", "use_gated_mlp",
                        "num_tokens", "num_tensor_parallel_workers"})
    t.require(c);
  VidurCompute out;
  out.path = path;
  if (t.rows.empty()) throw InputError(path + ": no rows");
  if (model) {
    out.model = *model;
  } else {
    const auto& r = t.rows.front();
    VidurModel& m = out.model;
    m.hidden = t.whole(r, "n_embd");
    m.heads = t.whole(r, "n_head");
    m.kv_heads = t.whole(r, "n_kv_head");
    m.intermediate = t.whole(r, "n_expanded_embd");
    m.gated = t.flag(r, "use_gated_mlp");
    if (m.hidden % m.heads != 0)
      throw InputError(t.where(r.line) + "n_embd is not a multiple of n_head");
    m.head_dim = m.hidden / m.heads;
    m.parallel_block = !t.has(median_column("post_attention_layernorm"));
    m.name = "(dimensions from " + path + ")";
  }
  const VidurModel& m = out.model;
  std::vector<std::string> ops;
  const auto timed = timed_ops(t);
  for (const char* c : kColumns)
    if (std::find(timed.begin(), timed.end(), c) != timed.end()) ops.emplace_back(c);
  for (const auto& c : timed)
    if (std::find(ops.begin(), ops.end(), c) == ops.end()) out.skipped.push_back(c);
  if (ops.empty()) throw InputError(path + ": no time_stats.<op>.median column of a known op");
  for (const auto& r : t.rows) {
    check_dim(t, r, "n_embd", m.hidden, m, "hidden");
    check_dim(t, r, "n_head", m.heads, m, "heads");
    check_dim(t, r, "n_kv_head", m.kv_heads, m, "kv heads");
    check_dim(t, r, "n_expanded_embd", m.intermediate, m, "intermediate");
    if (t.flag(r, "use_gated_mlp") != m.gated)
      throw InputError(t.where(r.line) + "use_gated_mlp disagrees with " + m.name);
    const double tokens = t.whole(r, "num_tokens");
    const int tp = t.whole(r, "num_tensor_parallel_workers");
    if (m.heads % tp != 0)
      throw InputError(t.where(r.line) + "num_tensor_parallel_workers " + std::to_string(tp) +
                       " does not divide " + std::to_string(m.heads) + " heads");
    for (const auto& c : ops) {
      const double ms = t.number(r, median_column(c));
      out.samples.push_back({*vidur_op(c, m, tokens, tp), ms * 1e-3, c, tokens, tp, r.line});
    }
  }
  return out;
}

std::vector<VidurAllReduceRow> read_vidur_all_reduce(const std::string& path) {
  const Table t = read_table(path);
  const std::string time = median_column("all_reduce");
  for (const std::string& c : {time, std::string("num_workers"), std::string("size")}) t.require(c);
  std::vector<VidurAllReduceRow> out;
  for (const auto& r : t.rows) {
    if (t.has("collective") && t.text(r, "collective") != "all_reduce")
      throw InputError(t.where(r.line) + "collective is '" + t.text(r, "collective") +
                       "', expected all_reduce");
    VidurAllReduceRow x;
    x.bytes = t.number(r, "size");
    x.ranks = t.whole(r, "num_workers");
    x.devices_per_node = t.has("devices_per_node") ? t.whole(r, "devices_per_node") : x.ranks;
    x.time_s = t.number(r, time) * 1e-3;
    x.line = r.line;
    out.push_back(x);
  }
  if (out.empty()) throw InputError(path + ": no rows");
  return out;
}

}  // namespace moesim
