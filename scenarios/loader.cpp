#include "scenarios/loader.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/acceptance_model.hpp"
#include "models/cost_kernel.hpp"
#include "models/cost_model.hpp"
#include "models/dispatch_model.hpp"
#include "models/param_error.hpp"
#include "models/routing_model.hpp"
#include "models/speculation_model.hpp"
#include "models/speculation_policy.hpp"
#include "scenarios/catalog.hpp"
#include "scenarios/cross_checks.hpp"
#include "scenarios/overrides.hpp"
#include "scenarios/topology_file.hpp"
#include "sim/router.hpp"
#include "sim/engine_overhead.hpp"
#include "sim/scheduler.hpp"
#include "topology/topology_builder.hpp"
#include "workloads/request_source.hpp"
#include "workloads/trace_source.hpp"

namespace moesim {
namespace {

// A file-defined graph replaces the builder; its devices fix nodes and devices_per_node, which
// may still be written but must then agree.
void read_topology_file_key(MapReader& r, Scenario& s, const std::string& base_dir,
                            bool nodes_given, bool per_node_given) {
  std::string written;
  if (!r.text("topology_file", written, Req::kOptional)) return;
  if (r.has("topology")) {
    r.error("topology_file",
            "'topology' and 'topology_file' exclude each other: the file defines the whole graph");
    return;
  }
  const std::string path = resolve_topology_path(base_dir, written);
  auto spec = read_topology_file(r, "topology_file", path);
  if (!spec) return;
  auto& c = s.cluster;
  auto count = [](int n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  const std::string has = "the topology file '" + path + "' has " + count(spec->nodes(), "node") +
                          " of " + count(spec->devices_per_node(), "device");
  if (nodes_given && c.nodes != spec->nodes()) {
    r.error("nodes", has + ": write " + std::to_string(spec->nodes()) + " or leave 'nodes' out");
  }
  if (per_node_given && c.devices_per_node != spec->devices_per_node()) {
    r.error("devices_per_node", has + ": write " + std::to_string(spec->devices_per_node()) +
                                    " or leave 'devices_per_node' out");
  }
  c.nodes = spec->nodes();
  c.devices_per_node = spec->devices_per_node();
  c.topology = PluginConfig{};
  c.topology_file = path;
  c.topology_spec = std::move(*spec);
}

void read_cluster(MapReader& root, Scenario& s, const std::string& base_dir) {
  s.cluster.topology.name = "switch";
  // Default: one switch per node (NVSwitch-like), nodes joined by a non-blocking fabric.
  (void)complete_params(topology_builders().at("switch").params, s.cluster.topology.params);
  auto r = root.map("cluster", Req::kOptional);
  if (!r) return;
  const bool nodes_given = r->integer("nodes", s.cluster.nodes, Req::kOptional, 1, 1 << 20);
  const bool per_node_given =
      r->integer("devices_per_node", s.cluster.devices_per_node, Req::kOptional, 1, 1 << 16);
  r->plugin("topology", topology_builders(), s.cluster.topology, Req::kOptional);
  read_topology_file_key(*r, s, base_dir, nodes_given, per_node_given);
  r->finish();
}

// One entry of a pool's `devices` list: an index ("3"), an inclusive range ("8-15") or a device
// name ("n1.d0", node-major with `per_node` devices per node). Appends; false when malformed.
bool parse_device_entry(const std::string& text, int per_node, std::vector<int>& out) {
  auto number = [](const std::string& t, long long& v) {
    if (t.empty() || t.size() > 9 || t.find_first_not_of("0123456789") != std::string::npos) {
      return false;
    }
    v = std::stoll(t);
    return true;
  };
  long long a = 0, b = 0;
  if (number(text, a)) {
    out.push_back(int(a));
    return true;
  }
  const std::size_t dash = text.find('-');
  if (dash != std::string::npos && number(text.substr(0, dash), a) &&
      number(text.substr(dash + 1), b) && a <= b && b - a < (1 << 20)) {
    for (long long d = a; d <= b; ++d) out.push_back(int(d));
    return true;
  }
  const std::size_t dot = text.find(".d");
  if (text.size() > 1 && text[0] == 'n' && dot != std::string::npos &&
      number(text.substr(1, dot - 1), a) && number(text.substr(dot + 2), b) && b < per_node) {
    out.push_back(int(a * per_node + b));
    return true;
  }
  return false;
}

void read_devices(MapReader& r, PoolConfig& p, int per_node) {
  if (!r.has("devices")) return;
  const YAML::Node list = r.raw("devices");
  if (!list.IsSequence() || list.size() == 0) {
    r.error("devices", "expected a list of devices, e.g. [0, 1, 2, 3], [\"8-15\"] or "
                       "[n1.d0, n1.d1]");
    return;
  }
  std::vector<int> devices;
  bool ok = true;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].IsScalar() || !parse_device_entry(list[i].Scalar(), per_node, devices)) {
      r.error_at(list[i], r.child_path("devices") + "[" + std::to_string(i) + "]",
                 "expected a device index (e.g. 3), an inclusive range (e.g. 8-15) or a device "
                 "name n<node>.d<k> with k < devices_per_node (" + std::to_string(per_node) + ")");
      ok = false;
    }
  }
  if (ok) p.devices = std::move(devices);
}

void read_pool(MapReader& r, PoolConfig& p, bool with_role, int per_node) {
  if (with_role) r.choice("role", p.role, {"colocated", "prefill", "decode"}, Req::kRequired);
  else r.choice("role", p.role, {"colocated"}, Req::kOptional);
  r.integer("replicas", p.replicas, Req::kOptional, 1, 1 << 20);
  r.integer("tp", p.parallel.tp, Req::kOptional, 1, 1 << 16);
  r.integer("dp", p.parallel.dp, Req::kOptional, 1, 1 << 16);
  r.integer("ep", p.parallel.ep, Req::kOptional, 1, 1 << 16);
  r.integer("redundant_experts", p.parallel.redundant_experts, Req::kOptional, 0, 1 << 16);
  r.boolean("two_batch_overlap", p.parallel.two_batch_overlap, Req::kOptional);
  for (auto [key, out] : {std::pair{"dispatch_dtype", &p.dispatch_dtype},
                          std::pair{"combine_dtype", &p.combine_dtype}}) {
    DType d{};
    if (r.dtype(key, d, Req::kOptional)) *out = d;
  }
  r.quantity("dispatch_overhead_per_token", p.parallel.dispatch_overhead_per_token,
             Dimension::kBytes, Req::kOptional);
  r.plugin("dispatch", dispatch_models(), p.dispatch, Req::kOptional);
  read_devices(r, p, per_node);
}

void read_deployment(MapReader& root, Scenario& s) {
  auto r = root.map("deployment", Req::kOptional);
  if (!r) return;
  auto& d = s.deployment;
  if (!r->has("pools")) {
    read_pool(*r, d.pools.front(), false, s.cluster.devices_per_node);
    r->raw("pools");
    r->finish();
    return;
  }
  const YAML::Node pools = r->raw("pools");
  for (const char* k : {"role", "replicas", "tp", "dp", "ep", "redundant_experts", "two_batch_overlap",
                        "dispatch_dtype", "combine_dtype",
                        "dispatch_overhead_per_token", "dispatch", "devices"}) {
    if (r->has(k)) {
      (void)r->raw(k);
      r->error(k, "set it inside each entry of 'pools', not beside it");
    }
  }
  r->finish();
  if (!pools.IsSequence() || pools.size() == 0) {
    r->error("pools", "expected a list of pools, e.g. [{role: prefill, tp: 8}, {role: decode, tp: 8}]");
    return;
  }
  d.pools.clear();
  for (std::size_t i = 0; i < pools.size(); ++i) {
    MapReader pr(pools[i], r->child_path("pools") + "[" + std::to_string(i) + "]", r->file(),
                 r->context());
    PoolConfig p;
    read_pool(pr, p, true, s.cluster.devices_per_node);
    pr.finish();
    d.pools.push_back(p);
  }
}

// Keeps where plug-in `key` and each of its parameters were written (Scenario::places).
void note_plugin_places(MapReader& r, const std::string& key, Scenario& s) {
  const YAML::Node n = r.raw(key);
  if (!n.IsDefined()) return;
  const std::string base = r.child_path(key);
  s.places[base] = r.location(n, base);
  if (!n.IsMap()) return;
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) continue;
    const std::string param = base + "." + kv.first.Scalar();
    s.places[param] = r.location(kv.second, param);
  }
}

// A plug-in's ParamError at the line of the parameter it names (else of the plug-in's key).
void param_error(MapReader& r, const std::string& key, const ParamError& e) {
  const YAML::Node n = r.raw(key);
  const YAML::Node& cn = n;  // a const lookup adds no key
  r.error_at(cn.IsMap() && cn[e.param()] ? cn[e.param()] : n, r.child_path(key) + "." + e.param(),
             e.message());
}

void read_serving(MapReader& root, Scenario& s) {
  auto& v = s.serving;
  v.scheduler.name = "vllm";
  v.router.name = "round_robin";
  v.decode_router.name = "least_outstanding_tokens";
  v.dp_router.name = "least_requests";
  (void)complete_params(routers().at("least_requests").params, v.dp_router.params);
  v.cost_model.name = "roofline";
  v.routing.name = "uniform";
  v.engine.name = "none";
  // Defaults are completed through the registries so that every parameter is present.
  (void)complete_params(schedulers().at("vllm").params, v.scheduler.params);
  v.prefix_pool_bandwidth = s.hardware.scale_out.bandwidth;
  v.prefix_pool_latency = s.hardware.scale_out.latency;
  auto r = root.map("serving", Req::kOptional);
  if (!r) return;
  r->plugin("scheduler", schedulers(), v.scheduler, Req::kOptional);
  r->plugin("router", routers(), v.router, Req::kOptional);
  r->plugin("decode_router", routers(), v.decode_router, Req::kOptional);
  r->choice("dp_scheduling", v.dp_scheduling, {"per_rank", "pooled"}, Req::kOptional);
  r->plugin("dp_router", routers(), v.dp_router, Req::kOptional);
  r->plugin("cost_model", cost_models(), v.cost_model, Req::kOptional);
  note_plugin_places(*r, "cost_model", s);
  if (v.cost_model.name == "kernel") {
    // Nothing falls back silently: the kernel model needs the preset's kernel figures.
    const auto file = catalog_path(CatalogKind::kHardware, s.hardware.name);
    for (const auto& key : kernel_model_missing(s.hardware)) {
      r->error("cost_model", "cost model 'kernel' needs hardware key '" + key + "', which " +
                                 "hardware '" + s.hardware.name + "'" +
                                 (file ? " (" + *file + ")" : std::string()) + " lacks");
    }
  }
  r->plugin("routing", routing_models(), v.routing, Req::kOptional);
  r->plugin("engine", engine_overheads(), v.engine, Req::kOptional);
  r->integer("kv_block_size", v.kv_block_size, Req::kOptional, 1, 1 << 16);
  r->number("memory_utilization", v.memory_utilization, Req::kOptional, 0.05, 1.0);
  r->integer64("max_model_len", v.max_model_len, Req::kOptional, 1, 1LL << 30);
  r->boolean("reuse_preempted_kv", v.reuse_preempted_kv, Req::kOptional);
  r->integer64("prefix_cache_blocks", v.prefix_cache_blocks, Req::kOptional, 0, 1LL << 40);
  r->integer("prefix_block_tokens", v.prefix_block_tokens, Req::kOptional, 1, 1 << 20);
  r->choice("prefix_cache_scope", v.prefix_cache_scope, {"instance", "pool"}, Req::kOptional);
  r->quantity("prefix_pool_bandwidth", v.prefix_pool_bandwidth, Dimension::kBandwidth,
              Req::kOptional, 1.0);
  r->quantity("prefix_pool_latency", v.prefix_pool_latency, Dimension::kTime, Req::kOptional);
  r->finish();
}

void read_speculative(MapReader& root, Scenario& s) {
  auto r = root.map("speculative", Req::kOptional);
  if (!r) return;
  auto& sp = s.speculative;
  sp.acceptance.name = "iid";
  (void)complete_params(acceptance_models().at("iid").params, sp.acceptance.params);
  const bool has_method = r->plugin("method", speculation_methods(), sp.method, Req::kRequired);
  r->integer("gamma", sp.gamma, Req::kRequired, 0, 64);
  r->plugin("acceptance", acceptance_models(), sp.acceptance, Req::kOptional);
  sp.policy.name = "fixed";
  r->plugin("policy", speculation_policies(), sp.policy, Req::kOptional);
  r->boolean("compare_without_speculation", sp.compare_without_speculation, Req::kOptional);
  if (r->has("draft")) {
    ModelArch draft;
    if (read_model_section(*r, "draft", draft, Req::kRequired)) sp.draft = draft;
  } else {
    r->raw("draft");
    if (has_method && speculation_methods().at(sp.method.name).make(sp.method.params)
                          ->needs_draft_model()) {
      r->error("", "method '" + sp.method.name + "' needs a draft model: add 'draft: <preset>'");
    }
  }
  r->finish();
  // gamma 0 turns speculation off (the same run as without the section).
  sp.enabled = has_method && sp.gamma > 0;
}

void read_workload(MapReader& root, Scenario& s) {
  auto& w = s.workload;
  w.lengths.name = "fixed";
  (void)complete_params(length_distributions().at("fixed").params, w.lengths.params);
  auto r = root.map("workload", Req::kRequired);
  if (!r) return;
  const bool source_ok = r->plugin("source", request_sources(), w.source, Req::kRequired);
  const bool lengths_ok = r->plugin("lengths", length_distributions(), w.lengths, Req::kOptional);
  note_plugin_places(*r, "source", s);
  note_plugin_places(*r, "lengths", s);
  // What can be checked without opening a file is checked here, at its line: a length
  // distribution that reads no file is built, a trace reader's window is read.
  try {
    if (lengths_ok && !w.lengths.params.has("path")) {
      (void)length_distributions().create(w.lengths.name, w.lengths.params);
    }
  } catch (const ParamError& e) {
    param_error(*r, "lengths", e);
  } catch (const ConfigError& e) {
    r->error("lengths", e.what());
  }
  try {
    if (source_ok && w.source.params.has("path")) {
      (void)trace_options(w.source.name, w.source.params, SourceContext{});
    }
  } catch (const ParamError& e) {
    param_error(*r, "source", e);
  } catch (const ConfigError& e) {
    r->error("source", e.what());
  }
  r->finish();
}

void read_slo(MapReader& root, Scenario& s) {
  auto r = root.map("slo", Req::kOptional);
  if (!r) return;
  Seconds t{0};
  if (r->quantity("ttft", t, Dimension::kTime, Req::kOptional)) s.slo.ttft = t;
  if (r->quantity("tpot", t, Dimension::kTime, Req::kOptional)) s.slo.tpot = t;
  if (r->quantity("e2e", t, Dimension::kTime, Req::kOptional)) s.slo.e2e = t;
  r->finish();
}

void read_cost(MapReader& root, Scenario& s) {
  auto r = root.map("cost", Req::kOptional);
  if (!r) return;
  read_price_per_device_hour(*r, "price_per_device_hour", s.cost.price_per_device_hour);
  r->finish();
}

void read_output(MapReader& root, Scenario& s) {
  auto r = root.map("output", Req::kOptional);
  if (!r) return;
  if (r->text("dir", s.output.dir, Req::kOptional)) {
    s.places["output.dir"] = r->location(r->raw("dir"), "output.dir");
  }
  r->boolean("requests_csv", s.output.requests_csv, Req::kOptional);
  r->boolean("steps_csv", s.output.steps_csv, Req::kOptional);
  r->finish();
}

}  // namespace

namespace {
// Every section of the scenario at `r` into `s`, problems into the context's diagnostics; true
// when the model and hardware resolved (cross-checks need both).
bool read_sections(MapReader& r, Scenario& s, const std::string& display_name,
                   const std::string& base_dir);
}  // namespace

Scenario load_scenario_text(const std::string& text, const std::string& display_name,
                            const std::string& base_dir,
                            const std::vector<std::string>& overrides) {
  Diagnostics diags;
  ReadContext ctx{&diags, {}};
  const std::optional<YAML::Node> parsed = parse_yaml(text, display_name, diags);
  if (!parsed) throw ScenarioError(diags);
  YAML::Node root = *parsed;
  if (!root.IsMap()) {
    diags.add({display_name, "", "a scenario must be a map of sections (model, hardware, ...)"});
    throw ScenarioError(diags);
  }
  apply_overrides(root, overrides, ctx);
  Scenario s;
  MapReader r(root, "", display_name, ctx);
  if (read_sections(r, s, display_name, base_dir) && diags.empty()) cross_check(r, s);
  if (!diags.empty()) throw ScenarioError(diags);
  return s;
}

void check_scenario_sections(const YAML::Node& root, const std::string& display_name,
                             const std::string& base_dir, ReadContext& ctx) {
  if (!root.IsMap()) {
    ctx.diags->add({display_name, "", "a scenario must be a map of sections (model, hardware, ...)"});
    return;
  }
  Scenario s;
  MapReader r(root, "", display_name, ctx);
  (void)read_sections(r, s, display_name, base_dir);
}

namespace {

bool read_sections(MapReader& r, Scenario& s, const std::string& display_name,
                   const std::string& base_dir) {
  s.source_file = display_name;
  s.workload.base_dir = base_dir;
  // The name names the results folder (results/<name>): a path there would write elsewhere.
  if (r.text("name", s.name, Req::kRequired) &&
      (s.name.empty() || s.name == "." || s.name == ".." ||
       s.name.find_first_of("/\\") != std::string::npos)) {
    r.error("name", "'" + s.name + "' cannot name a results folder: use a name without '/', "
                    "'\\' and not '.' or '..'");
  }
  std::int64_t seed = 1;
  if (r.integer64("seed", seed, Req::kOptional, 0, (1LL << 62))) s.seed = std::uint64_t(seed);
  const bool model_ok = read_model_section(r, "model", s.model, Req::kRequired);
  const bool hw_ok = read_hardware_section(r, "hardware", s.hardware);
  read_cluster(r, s, base_dir);
  read_deployment(r, s);
  read_serving(r, s);
  read_speculative(r, s);
  read_workload(r, s);
  read_slo(r, s);
  read_cost(r, s);
  read_output(r, s);
  r.finish();
  return model_ok && hw_ok;
}

}  // namespace

std::string read_yaml_file(const std::string& path, const std::string& what) {
  const auto fail = [&](const std::string& message) {
    Diagnostics d;
    d.add({path, "", message});
    throw ScenarioError(d);
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) fail("is a folder, not a " + what);
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open " + what);
  // Bounded: a device such as /dev/zero never ends (it ran out of memory: an internal error).
  constexpr std::size_t kMaxBytes = std::size_t(64) << 20;
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, std::size_t(in.gcount()));
    if (text.size() > kMaxBytes) fail(what + " is larger than 64 MiB");
  }
  return text;
}

Scenario load_scenario_file(const std::string& path, const std::vector<std::string>& overrides) {
  const std::string text = read_yaml_file(path, "scenario file");
  const auto dir = std::filesystem::path(path).parent_path().string();
  return load_scenario_text(text, path, dir.empty() ? "." : dir, overrides);
}

}  // namespace moesim
