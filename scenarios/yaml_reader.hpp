// Typed, position-aware reading of one YAML map. Every key a reader asks for becomes known;
// finish() reports the others as unknown keys with a "did you mean". Values that fail to parse
// are reported and leave the target untouched, so every error in a file is found in one pass.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/dtype.hpp"
#include "models/params.hpp"
#include "models/registry.hpp"
#include "models/units.hpp"
#include "scenarios/diagnostics.hpp"

namespace moesim {

// What is shared by every reader of one load: the diagnostics and the --set overrides.
struct ReadContext {
  Diagnostics* diags = nullptr;
  std::map<std::string, std::string> overrides;  // key path -> "--set path=value"
};

enum class Req { kOptional, kRequired };

// Parses a YAML document. On a syntax error adds "FILE:LINE:COL: YAML syntax: ..." to `diags`
// and returns nullopt; so it does for what yaml-cpp accepts but must not be (check_yaml_structure,
// and a second document after '---', which a lookup would ignore). Shared by scenario, sweep,
// topology and catalog files.
[[nodiscard]] std::optional<YAML::Node> parse_yaml(const std::string& text,
                                                   const std::string& display_name,
                                                   Diagnostics& diags);

// Reports, at "WHERE:LINE:COL" (or `where` alone for text without marks), duplicate keys of any
// map, empty values (`key:` or `key: ~`, which would otherwise take the default) and quoted
// strings never closed (yaml-cpp runs them to the end of the text). `path`: the key path of
// `root` (messages name root.key...).
void check_yaml_structure(const std::string& text, const YAML::Node& root,
                          const std::string& where, Diagnostics& diags,
                          const std::string& path = "");

// A plug-in choice as written: a name plus validated parameters.
struct PluginConfig {
  std::string name;
  ParamSet params;
};

class MapReader {
 public:
  // `file` names the document the node came from; `path` is its key path ("model").
  MapReader(YAML::Node node, std::string path, std::string file, ReadContext& ctx);

  [[nodiscard]] bool valid() const { return valid_; }
  [[nodiscard]] bool has(const std::string& key) const;
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] ReadContext& context() const { return *ctx_; }
  [[nodiscard]] std::string child_path(const std::string& key) const;

  // Each getter returns true when the key was present and `out` was assigned.
  bool integer(const std::string& key, int& out, Req req, long long min, long long max);
  bool integer64(const std::string& key, std::int64_t& out, Req req, long long min, long long max);
  bool number(const std::string& key, double& out, Req req, double min, double max);
  bool boolean(const std::string& key, bool& out, Req req);
  bool text(const std::string& key, std::string& out, Req req);
  bool choice(const std::string& key, std::string& out, const std::vector<std::string>& choices,
              Req req);
  bool dtype(const std::string& key, DType& out, Req req);
  bool quantity(const std::string& key, double& out_si, Dimension d, Req req, double min_si = 0);
  template <class Q>
  bool quantity(const std::string& key, Q& out, Dimension d, Req req, double min_si = 0) {
    double v = 0;
    if (!quantity(key, v, d, req, min_si)) return false;
    out = Q(v);
    return true;
  }
  // A nested map; nullopt when absent (error when required) or not a map (error).
  std::optional<MapReader> map(const std::string& key, Req req);
  // The raw node (marks the key known); null node when absent.
  YAML::Node raw(const std::string& key);

  // A plug-in: "name" or {name: ..., <params>}. Parameters are checked against the registry
  // entry's declarations (types, units, ranges, unknown names).
  template <class I, class... A>
  bool plugin(const std::string& key, const Registry<I, A...>& reg, PluginConfig& out, Req req) {
    const std::vector<std::string> names = reg.names();
    return plugin_impl(key, reg.family(), names,
                       [&reg](const std::string& n) -> const std::vector<ParamSpec>* {
                         const auto* e = reg.find(n);
                         return e ? &e->params : nullptr;
                       },
                       out, req);
  }

  // Reports keys that no getter asked for.
  void finish();

  // "FILE:LINE:COL" of `node` (this map's own position when undefined), or the --set that wrote
  // `key_path` or one of its parents.
  [[nodiscard]] std::string location(const YAML::Node& node, const std::string& key_path) const;

  // Reports a problem at `key` (or at the map itself when key is empty).
  void error(const std::string& key, const std::string& message);
  void error_at(const YAML::Node& node, const std::string& key_path, const std::string& message);

 private:
  using SpecLookup = std::function<const std::vector<ParamSpec>*(const std::string&)>;
  bool plugin_impl(const std::string& key, const std::string& family,
                   const std::vector<std::string>& names, const SpecLookup& specs,
                   PluginConfig& out, Req req);
  // Returns the scalar text of `key`, or nullopt (reporting missing/not-a-scalar as needed).
  std::optional<std::string> scalar(const std::string& key, Req req);

  YAML::Node node_;
  std::string path_;
  std::string file_;
  ReadContext* ctx_;
  bool valid_ = false;
  std::vector<std::string> known_;
};

}  // namespace moesim
