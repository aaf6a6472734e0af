#include "scenarios/overrides.hpp"

#include <sstream>

namespace moesim {
namespace {

bool is_preset_section(const std::string& path) {
  return path == "model" || path == "hardware" || path == "speculative.draft";
}

}  // namespace

void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides,
                     ReadContext& ctx) {
  for (const auto& o : overrides) {
    const auto eq = o.find('=');
    const std::string where = "--set " + o;
    if (eq == std::string::npos || eq == 0) {
      ctx.diags->add({where, "", "expected path=value, e.g. --set serving.kv_block_size=32"});
      continue;
    }
    const std::string path = o.substr(0, eq);
    YAML::Node value;
    try {
      value = YAML::Load(o.substr(eq + 1));
    } catch (const YAML::Exception& e) {
      ctx.diags->add({where, path, "value is not valid YAML: " + e.msg});
      continue;
    }
    if (value.IsNull()) {  // "--set seed=": not a way to ask for the default
      ctx.diags->add({where, path, "empty value; write a value, or leave the --set out for the "
                                   "default"});
      continue;
    }
    // Duplicate keys, empty values and unterminated quotes inside the value, named by the --set.
    Diagnostics inner;
    check_yaml_structure(o.substr(eq + 1), value, where, inner, path);
    for (Diagnostic d : inner.items()) {
      d.location = where;
      ctx.diags->add(std::move(d));
    }
    if (!inner.empty()) continue;
    std::vector<std::string> keys;
    std::stringstream ss(path);
    for (std::string k; std::getline(ss, k, '.');) keys.push_back(k);
    if (path.front() == '.' || path.back() == '.' || path.find("..") != std::string::npos) {
      ctx.diags->add({where, "", "empty key in the path '" + path + "' (a dot at an end or two "
                                 "dots in a row)"});
      continue;
    }
    YAML::Node node = root;
    std::string walked;
    bool ok = true;
    for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
      walked += (walked.empty() ? "" : ".") + keys[i];
      YAML::Node child = node[keys[i]];
      if (child.IsScalar()) {
        YAML::Node m(YAML::NodeType::Map);
        m[is_preset_section(walked) ? "preset" : "name"] = child.Scalar();
        node[keys[i]] = m;
        child.reset(node[keys[i]]);
      } else if (!child.IsDefined() || child.IsNull()) {
        node[keys[i]] = YAML::Node(YAML::NodeType::Map);
        child.reset(node[keys[i]]);
      } else if (!child.IsMap()) {
        ctx.diags->add({where, walked, "cannot set a key inside a list"});
        ok = false;
        break;
      }
      node.reset(child);
    }
    if (!ok) continue;
    node[keys.back()] = value;
    ctx.overrides[path] = where;
  }
}

}  // namespace moesim
