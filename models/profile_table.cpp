#include "models/profile_table.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "models/csv.hpp"
#include "models/errors.hpp"

namespace moesim {
namespace {

constexpr double kAct = 2.0;  // activation and KV bytes per element (bf16), as step_ops.cpp

// A CSV file with a header row (models/csv.hpp; lines starting with '#' are comments); columns
// are found by name, so their order is free and extra columns (used_by, flops, bytes) are
// ignored.
class Csv {
 public:
  Csv(std::string path, const std::vector<std::string>& required) : path_(std::move(path)) {
    std::ifstream in(path_, std::ios::binary);
    if (!in) throw InputError(path_ + ": cannot open");
    // A record of another width than the header: "PATH:LINE: expected N fields, got M".
    CsvReader reader(in, path_, CsvOptions{.skip_comments = true});
    if (!reader.has_header()) throw InputError(path_ + ": empty file (no header row)");
    header_ = reader.header();
    for (const auto& c : required) {
      if (!reader.column(c)) {
        throw InputError(where(int(reader.header_line())) + "missing column '" + c + "'");
      }
    }
    for (CsvRecord rec; reader.next(rec);) rows_.push_back({int(rec.line), std::move(rec.fields)});
  }

  struct Row {
    int line;
    std::vector<std::string> fields;
  };
  [[nodiscard]] const std::vector<Row>& rows() const { return rows_; }

  [[nodiscard]] const std::string& text(const Row& r, const std::string& col) const {
    return r.fields[index(col)];
  }
  // A finite number; `positive` also requires > 0.
  [[nodiscard]] double number(const Row& r, const std::string& col, bool positive = true) const {
    const std::string& s = text(r, col);
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || errno != 0 || !std::isfinite(v))
      throw InputError(where(r.line) + "column '" + col + "': '" + s + "' is not a number");
    if (positive && v <= 0)
      throw InputError(where(r.line) + "column '" + col + "' must be > 0, got " + s);
    if (!positive && v < 0)
      throw InputError(where(r.line) + "column '" + col + "' must be >= 0, got " + s);
    return v;
  }
  [[nodiscard]] DType dtype(const Row& r, const std::string& col) const {
    auto d = parse_dtype(text(r, col));
    if (!d) throw InputError(where(r.line) + "unknown dtype '" + text(r, col) + "'");
    return *d;
  }
  [[nodiscard]] std::string where(int line) const {
    return path_ + ":" + std::to_string(line) + ": ";
  }

 private:
  [[nodiscard]] std::size_t index(const std::string& col) const {
    return std::size_t(std::find(header_.begin(), header_.end(), col) - header_.begin());
  }

  std::string path_;
  std::vector<std::string> header_;
  std::vector<Row> rows_;
};

const std::vector<std::string> kConfigColumns = {"kind",       "heads",   "kv_heads", "head_dim",
                                                 "v_head_dim", "kv_lora", "rope_dim"};

std::vector<std::string> with_config(std::vector<std::string> cols) {
  cols.insert(cols.begin(), kConfigColumns.begin(), kConfigColumns.end());
  return cols;
}

AttentionConfig read_config(const Csv& csv, const Csv::Row& r) {
  AttentionConfig c;
  c.kind = csv.text(r, "kind");
  if (c.kind != "mha" && c.kind != "gqa" && c.kind != "mla")
    throw InputError(csv.where(r.line) + "kind must be mha, gqa or mla, got '" + c.kind + "'");
  c.heads = int(csv.number(r, "heads"));
  c.kv_heads = int(csv.number(r, "kv_heads"));
  c.head_dim = int(csv.number(r, "head_dim"));
  c.v_head_dim = int(csv.number(r, "v_head_dim"));
  c.kv_lora = int(csv.number(r, "kv_lora", false));
  c.rope_dim = int(csv.number(r, "rope_dim", false));
  if (c.kind == "mla" && c.kv_lora <= 0)
    throw InputError(csv.where(r.line) + "an mla row needs kv_lora > 0");
  return c;
}

// The string value of "key" in a flat JSON object ("" if absent; escapes kept as written).
std::string json_string(const std::string& text, const std::string& key) {
  const std::string needle = "\"" + key + "\"";
  auto p = text.find(needle);
  if (p == std::string::npos) return "";
  p = text.find_first_not_of(" \t\r\n", p + needle.size());
  if (p == std::string::npos || text[p] != ':') return "";
  p = text.find_first_not_of(" \t\r\n", p + 1);
  if (p == std::string::npos || text[p] != '"') return "";
  std::string out;
  for (++p; p < text.size() && text[p] != '"'; ++p) {
    if (text[p] == '\\' && p + 1 < text.size()) ++p;
    out += text[p];
  }
  return out;
}

}  // namespace

std::string AttentionConfig::text() const {
  std::string s = kind + " " + std::to_string(heads) + "/" + std::to_string(kv_heads) + " x" +
                  std::to_string(head_dim);
  if (kind == "mla") s += " latent " + std::to_string(kv_lora) + "+" + std::to_string(rope_dim);
  return s;
}

AttentionWork attention_work(const AttentionConfig& c, int shard) {
  const double h = double(c.heads) / shard;
  AttentionWork w;
  if (c.kind == "mla") {
    const double latent = c.kv_lora + c.rope_dim;
    w.kv_bytes_per_entry = latent * kAct;  // the latent is replicated, not split
    w.act_elems_per_token = h * (latent + c.kv_lora);
    w.flops_per_pair_decode = 2.0 * h * (latent + c.kv_lora);
    w.flops_per_pair_prefill = 2.0 * h * (c.head_dim + c.v_head_dim);
  } else {
    const double kv = std::max(1.0, double(c.kv_heads) / shard);
    w.kv_bytes_per_entry = 2.0 * kv * c.head_dim * kAct;
    w.act_elems_per_token = 2.0 * h * c.head_dim;
    w.flops_per_pair_decode = w.flops_per_pair_prefill = 4.0 * h * c.head_dim;
  }
  return w;
}

std::size_t ProfileTables::rows() const {
  return gemm.size() + grouped.size() + decode.size() + prefill.size() + elementwise.size() +
         collective.size() + layers.size();
}

std::vector<GemmRow> read_gemm_table(const std::string& path) {
  Csv csv(path, {"m", "n", "k", "dtype", "time_s"});
  std::vector<GemmRow> out;
  for (const auto& r : csv.rows())
    out.push_back({csv.number(r, "m"), csv.number(r, "n"), csv.number(r, "k"),
                   csv.dtype(r, "dtype"), csv.number(r, "time_s")});
  return out;
}

std::vector<GroupedRow> read_grouped_table(const std::string& path) {
  Csv csv(path,
          {"tokens", "experts_active", "hidden", "inter", "dtype", "impl", "routing", "time_s"});
  std::vector<GroupedRow> out;
  for (const auto& r : csv.rows()) {
    GroupedRow g{csv.number(r, "tokens"), csv.number(r, "experts_active"), csv.number(r, "hidden"),
                 csv.number(r, "inter"),  csv.dtype(r, "dtype"),           csv.text(r, "impl"),
                 csv.text(r, "routing"),  csv.number(r, "time_s")};
    if (g.experts_active > g.tokens)
      throw InputError(csv.where(r.line) + "experts_active exceeds tokens");
    out.push_back(std::move(g));
  }
  return out;
}

std::vector<DecodeRow> read_decode_table(const std::string& path) {
  Csv csv(path, with_config({"batch", "q", "context", "time_s"}));
  std::vector<DecodeRow> out;
  for (const auto& r : csv.rows())
    out.push_back({read_config(csv, r), csv.number(r, "batch"), csv.number(r, "q"),
                   csv.number(r, "context", false), csv.number(r, "time_s")});
  return out;
}

std::vector<PrefillRow> read_prefill_table(const std::string& path) {
  Csv csv(path, with_config({"chunk", "context", "time_s"}));
  std::vector<PrefillRow> out;
  for (const auto& r : csv.rows())
    out.push_back({read_config(csv, r), csv.number(r, "chunk"), csv.number(r, "context", false),
                   csv.number(r, "time_s")});
  return out;
}

std::vector<ElementwiseRow> read_elementwise_table(const std::string& path) {
  Csv csv(path, {"kernel", "bytes", "time_s"});
  std::vector<ElementwiseRow> out;
  for (const auto& r : csv.rows()) {
    ElementwiseRow e;
    e.kernel = csv.text(r, "kernel");
    e.bytes = csv.number(r, "bytes");
    e.time_s = csv.number(r, "time_s");
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<CollectiveRow> read_collective_table(const std::string& path) {
  Csv csv(path, {"op", "backend", "bytes", "group", "time_s"});
  std::vector<CollectiveRow> out;
  for (const auto& r : csv.rows()) {
    const std::string& op = csv.text(r, "op");
    if (op != "all_reduce" && op != "all_to_all" && op != "all_gather" && op != "reduce_scatter" &&
        op != "all_to_all_skewed")
      throw InputError(csv.where(r.line) + "unknown collective '" + op + "'");
    out.push_back({op, csv.text(r, "backend"), csv.number(r, "bytes"), int(csv.number(r, "group")),
                   csv.number(r, "time_s")});
  }
  return out;
}

ProfileMetadata read_profile_metadata(const std::string& path) {
  std::ifstream in(path);
  ProfileMetadata m;
  if (!in) return m;
  std::stringstream s;
  s << in.rdbuf();
  m.present = true;
  m.device_name = json_string(s.str(), "device_name");
  m.hardware_preset = json_string(s.str(), "hardware_preset");
  return m;
}

ProfileTables read_profile(const std::string& dir) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir)) throw InputError(dir + ": no such profile folder");
  ProfileTables t;
  t.source = dir;
  const auto file = [&](const char* name) { return (fs::path(dir) / name).string(); };
  const auto has = [&](const char* name) { return fs::exists(file(name)); };
  if (has("gemm.csv")) t.gemm = read_gemm_table(file("gemm.csv"));
  if (has("grouped_gemm.csv")) t.grouped = read_grouped_table(file("grouped_gemm.csv"));
  if (has("attention_decode.csv")) t.decode = read_decode_table(file("attention_decode.csv"));
  if (has("attention_prefill.csv")) t.prefill = read_prefill_table(file("attention_prefill.csv"));
  if (has("elementwise.csv")) t.elementwise = read_elementwise_table(file("elementwise.csv"));
  if (has("collective.csv")) t.collective = read_collective_table(file("collective.csv"));
  if (has("decode_layer.csv")) t.layers = read_layer_table(file("decode_layer.csv"), false);
  if (has("moe_block.csv")) {
    auto blocks = read_layer_table(file("moe_block.csv"), true);
    t.layers.insert(t.layers.end(), blocks.begin(), blocks.end());
  }
  t.metadata = read_profile_metadata(file("metadata.json"));
  if (t.rows() == 0) throw InputError(dir + ": no measured rows (expected gemm.csv, ...)");
  return t;
}

std::vector<LayerRow> read_layer_table(const std::string& path, bool moe_block) {
  Csv csv(path, moe_block ? std::vector<std::string>{"model", "batch", "q", "time_s", "graph"}
                          : std::vector<std::string>{"model", "batch", "q", "context", "time_s",
                                                     "graph", "ffn"});
  std::vector<LayerRow> out;
  for (const auto& r : csv.rows()) {
    LayerRow l;
    l.model = csv.text(r, "model");
    l.moe_block = moe_block;
    l.dense_ffn = !moe_block && csv.text(r, "ffn") == "dense";
    l.graph = csv.text(r, "graph") == "1";
    l.batch = csv.number(r, "batch");
    l.q = csv.number(r, "q");
    l.context = moe_block ? 0.0 : csv.number(r, "context", false);
    l.time_s = csv.number(r, "time_s");
    out.push_back(std::move(l));
  }
  return out;
}

Op table_gemm_op(double m, double n, double k, DType dtype) {
  Op op;
  op.name = "gemm";  // a measured table's GEMM: kind kOther
  op.op_class = OpClass::kGemm;
  op.dtype = dtype;
  op.flops = Flops(2.0 * m * n * k);
  op.bytes = Bytes(n * k * dtype_bytes(dtype) + m * k * kAct + m * n * kAct);
  op.m = m;
  op.n = n;
  op.k = k;
  return op;
}

Op table_grouped_op(double tokens, double active, double hidden, double inter, DType dtype) {
  constexpr double mats = 3.0;  // gated experts
  Op op = make_op(OpKind::kRoutedExperts);
  op.op_class = OpClass::kGroupedGemm;
  op.dtype = dtype;
  op.flops = Flops(2.0 * mats * hidden * inter * tokens);
  op.bytes = Bytes(active * mats * hidden * inter * dtype_bytes(dtype) +
                   tokens * hidden * kAct * 2.0 + tokens * inter * kAct * (mats - 1.0));
  op.m = tokens;
  op.n = active;
  op.k = inter;
  return op;
}

Op table_attention_op(const AttentionConfig& c, double batch, double q, double context,
                      bool prefill, int shard) {
  const AttentionWork w = attention_work(c, shard);
  const double t = batch * q, n = batch * (context + q);
  const double pairs = batch * q * (context + (q + 1.0) / 2.0);
  Op op = make_op(OpKind::kAttnCore);
  op.op_class = OpClass::kAttention;
  op.dtype = DType::kBf16;
  op.flops = Flops(pairs * (prefill ? w.flops_per_pair_prefill : w.flops_per_pair_decode));
  op.bytes = Bytes(n * w.kv_bytes_per_entry + t * w.act_elems_per_token * kAct);
  op.m = t;
  op.n = n;
  op.units = batch * (c.kind == "mla" ? 1.0 : std::max(1.0, double(c.kv_heads) / shard));
  return op;
}

Op table_elementwise_op(const std::string& kernel, double bytes) {
  static const std::map<std::string, OpKind> kinds = {{"norms_residual", OpKind::kNorms},
                                                      {"embedding", OpKind::kEmbedding},
                                                      {"sampling", OpKind::kSampling},
                                                      {"copy", OpKind::kElementwiseCopy}};
  const auto it = kinds.find(kernel);
  Op op = it == kinds.end() ? Op{} : make_op(it->second);
  if (it == kinds.end()) op.name = "elementwise";
  op.op_class = OpClass::kElementwise;
  op.bytes = Bytes(bytes);
  op.m = bytes;
  return op;
}

Op table_op(const GemmRow& r) { return table_gemm_op(r.m, r.n, r.k, r.dtype); }
Op table_op(const GroupedRow& r) {
  return table_grouped_op(r.tokens, r.experts_active, r.hidden, r.inter, r.dtype);
}
Op table_op(const DecodeRow& r) {
  return table_attention_op(r.config, r.batch, r.q, r.context, false);
}
Op table_op(const PrefillRow& r) {
  return table_attention_op(r.config, 1.0, r.chunk, r.context, true);
}
Op table_op(const ElementwiseRow& r) { return table_elementwise_op(r.kernel, r.bytes); }

}  // namespace moesim
