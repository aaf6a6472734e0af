#include "scenarios/catalog.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "models/comm_efficiency.hpp"
#include "models/precision.hpp"
#include "scenarios/embedded_files.hpp"
#include "scenarios/link_catalog.hpp"

namespace moesim {
namespace {

const char* folder(CatalogKind kind) {
  switch (kind) {
    case CatalogKind::kModels: return "models/catalog/models/";
    case CatalogKind::kHardware: return "models/catalog/hardware/";
    case CatalogKind::kLinks: return "models/catalog/links/";
  }
  return "";
}

const char* kind_word(CatalogKind kind) {
  switch (kind) {
    case CatalogKind::kModels: return "model";
    case CatalogKind::kHardware: return "hardware";
    case CatalogKind::kLinks: return "link class";
  }
  return "";
}

// Parses an embedded preset; a broken catalog file is reported against its own path.
YAML::Node preset_node(const std::string& path, ReadContext& ctx) {
  const std::optional<YAML::Node> n = parse_yaml(catalog_text(path), path, *ctx.diags);
  return n ? *n : YAML::Node();
}

template <class T, class ReadFields>
bool read_section(MapReader& parent, const std::string& key, CatalogKind kind, T& out, Req req,
                  ReadFields read_fields) {
  const YAML::Node n = parent.raw(key);
  if (!n.IsDefined() || n.IsNull()) {
    if (req == Req::kRequired) parent.error("", "missing required key '" + key + "'");
    return false;
  }
  ReadContext& ctx = parent.context();
  std::string preset;
  YAML::Node overrides;
  if (n.IsScalar()) {
    preset = n.Scalar();
  } else if (n.IsMap()) {
    overrides = n;
    if (n["preset"]) {
      if (!n["preset"].IsScalar()) {
        parent.error(key, "'preset' must be a " + std::string(kind_word(kind)) + " preset name");
        return false;
      }
      preset = n["preset"].Scalar();
    }
  } else {
    parent.error(key, std::string("expected a ") + kind_word(kind) +
                          " preset name or a map describing one");
    return false;
  }
  const std::size_t errors_before = ctx.diags->size();
  if (!preset.empty()) {
    const auto path = catalog_path(kind, preset);
    if (!path) {
      const YAML::Node at = n.IsScalar() ? n : n["preset"];
      parent.error_at(at, parent.child_path(key),
                      "unknown " + std::string(kind_word(kind)) + " preset '" + preset + "'; " +
                          suggestion_text(preset, catalog_names(kind)));
      return false;
    }
    MapReader pr(preset_node(*path, ctx), parent.child_path(key), *path, ctx);
    read_fields(pr, out, Req::kRequired);
    pr.finish();
  }
  if (overrides.IsDefined()) {
    MapReader r(overrides, parent.child_path(key), parent.file(), ctx);
    r.raw("preset");
    read_fields(r, out, preset.empty() ? Req::kRequired : Req::kOptional);
    r.finish();
  }
  return ctx.diags->size() == errors_before;
}

}  // namespace

std::vector<std::string> catalog_names(CatalogKind kind) {
  std::vector<std::string> out;
  const std::string prefix = folder(kind);
  for (const auto& f : embedded_files()) {
    const std::string p = f.path;
    if (p.rfind(prefix, 0) == 0 && p.size() > 5 && p.substr(p.size() - 5) == ".yaml") {
      out.push_back(p.substr(prefix.size(), p.size() - prefix.size() - 5));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<std::string> catalog_path(CatalogKind kind, const std::string& name) {
  const std::string path = std::string(folder(kind)) + name + ".yaml";
  for (const auto& f : embedded_files()) {
    if (path == f.path) return path;
  }
  return std::nullopt;
}

const char* catalog_text(const std::string& path) {
  for (const auto& f : embedded_files()) {
    if (path == f.path) return f.text;
  }
  return "";
}

namespace {

// A dtype key that is optional in every layer of a model description.
void optional_dtype(MapReader& r, const char* key, std::optional<DType>& out) {
  DType d{};
  if (r.dtype(key, d, Req::kOptional)) out = d;
}

// The precision keys of one layer (preset or overrides): the older `weight_dtype` and `kv_dtype`
// and the `precision` map (a scheme, then fields over it), applied over the layer below.
void read_precision(MapReader& r, ModelArch& m) {
  PrecisionChoice c;
  optional_dtype(r, "weight_dtype", c.weights);
  optional_dtype(r, "kv_dtype", c.kv_cache);
  auto p = r.map("precision", Req::kOptional);
  if (!p) {
    m.precision = apply_precision(m.precision, c);
    return;
  }
  const auto conflict = [&](const char* key, const char* legacy) {
    p->error(key, std::string("conflicts with ") + r.child_path(legacy) + "; write one of them (" +
                      legacy + " is the older spelling of precision." +
                      (std::string(legacy) == "kv_dtype" ? "kv_cache" : "weights") + ")");
  };
  const bool legacy_weights = c.weights.has_value();
  const bool legacy_kv = c.kv_cache.has_value();
  std::string scheme;
  if (p->choice("scheme", scheme, precision_scheme_names(), Req::kOptional)) {
    if (legacy_weights) conflict("scheme", "weight_dtype");
    const auto wa = *parse_precision_scheme(scheme);
    c.weights = wa.first;
    c.activations = wa.second;
  }
  if (p->has("weights") && legacy_weights) conflict("weights", "weight_dtype");
  if (p->has("kv_cache") && legacy_kv) conflict("kv_cache", "kv_dtype");
  for (const auto& field : precision_field_names())
    optional_dtype(*p, field.c_str(), *precision_field(c, field));
  p->finish();
  m.precision = apply_precision(m.precision, c);
}

}  // namespace

void read_model_fields(MapReader& r, ModelArch& m, Req req) {
  const Req opt = Req::kOptional;
  r.text("name", m.name, req);
  r.text("description", m.description, opt);
  r.integer("layers", m.layers, req, 1, 1000);
  r.integer("hidden", m.hidden, req, 1, 1 << 20);
  r.integer("heads", m.heads, req, 1, 4096);
  r.integer("kv_heads", m.kv_heads, req, 1, 4096);
  r.integer("head_dim", m.head_dim, req, 1, 4096);
  std::string att;
  if (r.choice("attention", att, {"mha", "gqa", "mla"}, req)) {
    m.attention = att == "mha" ? AttentionKind::kMha
                  : att == "gqa" ? AttentionKind::kGqa
                                 : AttentionKind::kMla;
  }
  if (auto mla = r.map("mla", m.attention == AttentionKind::kMla && req == Req::kRequired
                                  ? Req::kRequired
                                  : opt)) {
    mla->integer("q_lora_rank", m.mla.q_lora_rank, req, 0, 1 << 20);
    mla->integer("kv_lora_rank", m.mla.kv_lora_rank, req, 1, 1 << 20);
    mla->integer("qk_nope_head_dim", m.mla.qk_nope_head_dim, req, 0, 4096);
    mla->integer("qk_rope_head_dim", m.mla.qk_rope_head_dim, req, 0, 4096);
    mla->integer("v_head_dim", m.mla.v_head_dim, req, 1, 4096);
    mla->finish();
  }
  r.integer("ffn_intermediate", m.ffn_intermediate, req, 1, 1 << 22);
  r.boolean("ffn_gated", m.ffn_gated, opt);
  if (auto moe = r.map("moe", opt)) {
    const Req mreq = req == Req::kRequired || m.moe.experts == 0 ? Req::kRequired : opt;
    moe->integer("experts", m.moe.experts, mreq, 1, 1 << 16);
    moe->integer("top_k", m.moe.top_k, mreq, 1, 1 << 16);
    moe->integer("expert_intermediate", m.moe.expert_intermediate, mreq, 1, 1 << 22);
    moe->integer("shared_experts", m.moe.shared_experts, opt, 0, 1 << 10);
    moe->integer("shared_expert_intermediate", m.moe.shared_expert_intermediate, opt, 0, 1 << 22);
    moe->integer("groups", m.moe.groups, opt, 1, 1 << 16);
    moe->integer("first_dense_layers", m.moe.first_dense_layers, opt, 0, 1000);
    moe->finish();
    if (m.moe.top_k > m.moe.experts) moe->error("top_k", "top_k exceeds the number of experts");
    if (m.moe.first_dense_layers >= m.layers && m.layers > 0)
      moe->error("first_dense_layers", "leaves no MoE layer");
    if (m.moe.groups > 1 &&
        (m.moe.experts % m.moe.groups != 0 || m.moe.top_k % m.moe.groups != 0))
      moe->error("groups", "groups must divide both experts and top_k");
    if (m.moe.shared_experts > 0 && m.moe.shared_expert_intermediate == 0)
      moe->error("shared_expert_intermediate", "required when shared_experts > 0");
  }
  r.integer("vocab", m.vocab, req, 1, 1 << 24);
  r.boolean("tie_embeddings", m.tie_embeddings, opt);
  read_precision(r, m);
  r.integer("mtp_layers", m.mtp_layers, opt, 0, 16);
  if (m.heads > 0 && m.kv_heads > 0 && m.heads % m.kv_heads != 0)
    r.error("kv_heads", "heads must be a multiple of kv_heads");
}

namespace {


void read_communication_efficiency(MapReader& r, Hardware& h) {
  PluginConfig ce;
  if (!r.plugin("communication_efficiency", communication_efficiencies(), ce, Req::kOptional))
    return;
  const YAML::Node node = r.raw("communication_efficiency");
  const std::string key = r.child_path("communication_efficiency");
  if (ce.params.has("profile")) {
    const std::string& text = ce.params.text("profile");
    const std::string found = find_collective_profile(text, r.file());
    if (found.empty()) {
      r.error_at(node["profile"], key + ".profile",
                 "no collective table '" + text +
                     "' (a collective.csv, a folder holding one, or a folder of models/profiles/)");
      return;
    }
    ce.params.set("profile", found);
  }
  h.communication_efficiency = {ce.name, ce.params};
  try {  // a measured table is read and fitted here, so its problems carry the scenario's place
    (void)make_communication_efficiency(h);
  } catch (const std::exception& e) {
    r.error_at(node, key, e.what());
  }
}

}  // namespace

std::string find_collective_profile(const std::string& text, const std::string& scenario_file) {
  namespace fs = std::filesystem;
  const auto usable = [](const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec) || fs::is_regular_file(p / "collective.csv", ec);
  };
  std::vector<fs::path> tries{fs::path(text)};
  if (fs::path(text).is_relative()) {
    tries.push_back(fs::path(scenario_file).parent_path() / text);
#ifdef MOESIM_PROFILES_DIR
    tries.push_back(fs::path(MOESIM_PROFILES_DIR) / text);
#endif
  }
  for (const auto& p : tries) {
    if (usable(p)) return p.lexically_normal().string();
  }
  return "";
}

bool read_price_per_device_hour(MapReader& r, const std::string& key, std::optional<double>& out) {
  std::string text;
  if (!r.text(key, text, Req::kOptional)) return false;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  const bool number = !text.empty() && *end == '\0' && std::isfinite(v);
  if (!number || v <= 0) {
    r.error(key, "expected a price in US dollars per device per hour, a number > 0 without a "
                 "unit (e.g. 2.5), got '" + text + "'");
    return false;
  }
  out = v;
  return true;
}

void read_hardware_fields(MapReader& r, Hardware& h, Req req) {
  const Req opt = Req::kOptional;
  r.text("name", h.name, req);
  r.text("description", h.description, opt);
  if (auto pf = r.map("peak_flops", req)) {
    for (const auto& dt : dtype_names()) {
      double v = 0;
      if (pf->quantity(dt, v, Dimension::kFlopRate,
                       dt == "bf16" && req == Req::kRequired ? Req::kRequired : opt, 1.0)) {
        h.peak[*parse_dtype(dt)] = FlopsPerSec(v);
      }
    }
    pf->finish();
  }
  r.quantity("memory_capacity", h.memory_capacity, Dimension::kBytes, req, 1.0);
  r.quantity("memory_bandwidth", h.memory_bandwidth, Dimension::kBandwidth, req, 1.0);
  for (const char* link : {"scale_up", "scale_out"}) {
    LinkSpec& l = std::strcmp(link, "scale_up") == 0 ? h.scale_up : h.scale_out;
    if (auto lr = r.map(link, req)) {
      lr->quantity("bandwidth", l.bandwidth, Dimension::kBandwidth, req, 1.0);
      lr->quantity("latency", l.latency, Dimension::kTime, req);
      lr->integer("domain_size", l.domain_size, opt, 1, 1 << 20);
      read_link_class(*lr, l.figures);
      lr->finish();
    }
  }
  if (auto er = r.map("efficiency", req)) {
    auto& e = h.efficiency;
    er->number("gemm_compute", e.gemm_compute, req, 0.01, 1.0);
    er->number("gemm_memory", e.gemm_memory, req, 0.01, 1.0);
    er->number("grouped_gemm_compute", e.grouped_gemm_compute, req, 0.01, 1.0);
    er->number("grouped_gemm_memory", e.grouped_gemm_memory, req, 0.01, 1.0);
    er->number("attention_compute", e.attention_compute, req, 0.01, 1.0);
    er->number("attention_memory", e.attention_memory, req, 0.01, 1.0);
    er->number("elementwise_memory", e.elementwise_memory, req, 0.01, 1.0);
    er->number("communication", e.communication, req, 0.01, 1.0);
    er->finish();
  }
  r.quantity("launch_overhead", h.launch_overhead, Dimension::kTime, req);
  r.integer("dies_per_package", h.dies_per_package, opt, 1, 16);
  r.text("architecture", h.architecture, opt);
  r.integer("compute_units", h.compute_units, opt, 1, 1 << 20);
  r.quantity("clock", h.clock, Dimension::kRate, opt, 1.0);
  r.quantity("l2_capacity", h.l2_capacity, Dimension::kBytes, opt);
  read_price_per_device_hour(r, "price_per_device_hour", h.price_per_device_hour);
  // Hardware described in YAML prices collectives by link class unless it names another model.
  if (req == Req::kRequired) {
    ParamSet defaults;  // completed now, so a resolved file reads back to the same parameters
    (void)complete_params(communication_efficiencies().at("link_class").params, defaults);
    h.communication_efficiency = {"link_class", defaults};
  }
  read_communication_efficiency(r, h);
  if (req == Req::kRequired) check_link_classes(r, h);
}

bool read_model_section(MapReader& parent, const std::string& key, ModelArch& out, Req req) {
  return read_section(parent, key, CatalogKind::kModels, out, req, read_model_fields);
}

bool read_hardware_section(MapReader& parent, const std::string& key, Hardware& out) {
  return read_section(parent, key, CatalogKind::kHardware, out, Req::kRequired,
                      read_hardware_fields);
}

namespace {
template <class T>
T load_preset(CatalogKind kind, const std::string& name, void (*fields)(MapReader&, T&, Req)) {
  Diagnostics diags;
  ReadContext ctx{&diags, {}};
  T out;
  const auto path = catalog_path(kind, name);
  if (!path) {
    diags.add({"catalog", "", "unknown " + std::string(kind_word(kind)) + " preset '" + name +
                                  "'; " + suggestion_text(name, catalog_names(kind))});
    throw ScenarioError(diags);
  }
  MapReader r(preset_node(*path, ctx), "", *path, ctx);
  fields(r, out, Req::kRequired);
  r.finish();
  if (!diags.empty()) throw ScenarioError(diags);
  return out;
}
}  // namespace

ModelArch load_model_preset(const std::string& name) {
  return load_preset<ModelArch>(CatalogKind::kModels, name, read_model_fields);
}

Hardware load_hardware_preset(const std::string& name) {
  return load_preset<Hardware>(CatalogKind::kHardware, name, read_hardware_fields);
}

}  // namespace moesim
