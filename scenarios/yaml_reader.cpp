#include "scenarios/yaml_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace moesim {

namespace {

std::string position(const std::string& display_name, const YAML::Mark& m) {
  if (m.line < 0) return display_name;
  return display_name + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

// A key as written. YAML allows any node as a key ("? [a, b]", "~"); as<std::string>() throws on
// those, so they are rendered as text and then reported as unknown keys like any other.
std::string key_text(const YAML::Node& key) {
  if (key.IsScalar()) return key.Scalar();
  YAML::Emitter out;
  out << YAML::Flow << key;
  return out.c_str();
}

// Whether the quoted scalar opening at `pos` closes before the end of `text`. yaml-cpp 0.7 takes
// an unterminated quote as a scalar running to the end of the file (swallowing every key after
// it) instead of a syntax error.
bool quote_closes(const std::string& text, std::size_t pos) {
  const char q = text[pos];
  for (std::size_t i = pos + 1; i < text.size(); ++i) {
    if (q == '"' && text[i] == '\\') {
      ++i;  // an escape: \" does not close
    } else if (text[i] == q) {
      if (q == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' is a quote inside single quotes
        continue;
      }
      return true;
    }
  }
  return false;
}

// The checks yaml-cpp does not make, over one parsed document: duplicate keys (yaml-cpp keeps
// both; a lookup finds the first), empty values (a lookup cannot tell them from absent keys, so
// the default would be taken), unterminated quotes.
class StructureCheck {
 public:
  StructureCheck(const std::string& text, const std::string& where, Diagnostics& diags)
      : text_(text), where_(where), diags_(diags) {}

  void walk(const YAML::Node& n, const std::string& path) {
    if (n.IsScalar()) {
      scalar(n, path);
    } else if (n.IsSequence()) {
      for (std::size_t i = 0; i < n.size(); ++i) walk(n[i], path + "." + std::to_string(i));
    } else if (n.IsMap()) {
      std::map<std::string, YAML::Mark> seen;
      for (const auto& kv : n) {
        const std::string key = key_text(kv.first);
        const std::string child = path.empty() ? key : path + "." + key;
        if (kv.first.IsScalar()) scalar(kv.first, child);
        const auto [it, fresh] = seen.emplace(key, kv.first.Mark());
        if (!fresh) {
          add(kv.first.Mark(), child,
              "duplicate key (first at line " + std::to_string(it->second.line + 1) +
                  "); write each key once");
          continue;
        }
        if (kv.second.IsNull()) {
          add(kv.first.Mark(), child,
              "empty value; write a value, or leave the key out for its default");
          continue;
        }
        walk(kv.second, child);
      }
    }
  }

 private:
  void scalar(const YAML::Node& n, const std::string& path) {
    const YAML::Mark m = n.Mark();
    if (m.pos < 0 || std::size_t(m.pos) >= text_.size()) return;
    const char c = text_[std::size_t(m.pos)];
    if (n.Tag() == "!" && (c == '"' || c == '\'') && !quote_closes(text_, std::size_t(m.pos))) {
      add(m, path, std::string("unterminated quoted string: the ") + c +
                       " opened here is never closed");
    }
  }
  void add(const YAML::Mark& m, const std::string& path, const std::string& message) {
    diags_.add({position(where_, m), path, message});
  }

  const std::string& text_;
  const std::string& where_;
  Diagnostics& diags_;
};

}  // namespace

namespace {

// The line (0-based) where a second document's content starts: content after a '---' or '...'
// marker line, once the first document has content. Found in the text, not with YAML::LoadAll, which loops
// forever on some malformed inputs in yaml-cpp 0.7 (found by fuzz_scenario: "- just\n, a list").
std::optional<std::size_t> second_document_line(const std::string& text) {
  const auto is_marker = [](const std::string& l, const char* m) {
    if (l.compare(0, 3, m) != 0) return false;
    return l.size() == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r';
  };
  const auto is_content = [](const std::string& l) {
    const auto p = l.find_first_not_of(" \t\r");
    return p != std::string::npos && l[p] != '#' && !(p == 0 && l[0] == '%');
  };
  bool content = false;
  std::optional<std::size_t> marker;
  std::size_t line = 0, start = 0;
  while (start <= text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string l = text.substr(start, end == std::string::npos ? end : end - start);
    if (is_marker(l, "---") || is_marker(l, "...")) {
      const bool inline_content = l.size() > 4 && is_content(l.substr(4));  // "--- {a: 1}"
      if (content && !marker) marker = line;
      if (marker && inline_content) return line;
      content = content || inline_content;
    } else if (is_content(l)) {
      if (marker) return line;
      content = true;
    }
    if (end == std::string::npos) break;
    start = end + 1;
    ++line;
  }
  return std::nullopt;
}

}  // namespace

std::optional<YAML::Node> parse_yaml(const std::string& text, const std::string& display_name,
                                     Diagnostics& diags) {
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    diags.add({position(display_name, e.mark), "", "YAML syntax: " + e.msg});
    return std::nullopt;
  }
  const std::size_t before = diags.size();
  if (const auto line = second_document_line(text)) {
    YAML::Mark m;
    m.line = int(*line);
    m.column = 0;
    diags.add({position(display_name, m), "",
               "a second YAML document (after '---'): a file holds one document; remove the "
               "'---' or split the file"});
  }
  check_yaml_structure(text, doc, display_name, diags);
  if (diags.size() != before) return std::nullopt;
  return doc;
}

void check_yaml_structure(const std::string& text, const YAML::Node& root,
                          const std::string& where, Diagnostics& diags,
                          const std::string& path) {
  StructureCheck(text, where, diags).walk(root, path);
}

MapReader::MapReader(YAML::Node node, std::string path, std::string file, ReadContext& ctx)
    : node_(std::move(node)), path_(std::move(path)), file_(std::move(file)), ctx_(&ctx) {
  valid_ = node_.IsMap();
  if (!valid_ && node_.IsDefined() && !node_.IsNull()) {
    error_at(node_, path_, "expected a map of keys");
  }
}

std::string MapReader::child_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

bool MapReader::has(const std::string& key) const {
  return valid_ && node_[key].IsDefined() && !node_[key].IsNull();
}

std::string MapReader::location(const YAML::Node& node, const std::string& key_path) const {
  // A value that came from --set names the override instead of a file position.
  for (std::string p = key_path;;) {
    auto it = ctx_->overrides.find(p);
    if (it != ctx_->overrides.end()) return it->second;
    const auto dot = p.rfind('.');
    if (dot == std::string::npos) break;
    p = p.substr(0, dot);
  }
  // A key that a --set created on its way to a deeper value ("--set a.b.c=1" reported at "a").
  if (!key_path.empty()) {
    const auto it = ctx_->overrides.lower_bound(key_path + ".");
    if (it != ctx_->overrides.end() && it->first.rfind(key_path + ".", 0) == 0) return it->second;
  }
  const YAML::Mark m = node.IsDefined() ? node.Mark() : node_.Mark();
  if (m.line < 0) return file_;
  return file_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

void MapReader::error_at(const YAML::Node& node, const std::string& key_path,
                         const std::string& message) {
  ctx_->diags->add({location(node, key_path), key_path, message});
}

void MapReader::error(const std::string& key, const std::string& message) {
  if (key.empty()) {
    error_at(node_, path_, message);
    return;
  }
  const YAML::Node n = valid_ ? node_[key] : YAML::Node();
  error_at(n.IsDefined() ? n : node_, child_path(key), message);
}

std::optional<std::string> MapReader::scalar(const std::string& key, Req req) {
  known_.push_back(key);
  if (!has(key)) {
    if (req == Req::kRequired && valid_) error("", "missing required key '" + key + "'");
    return std::nullopt;
  }
  const YAML::Node n = node_[key];
  if (!n.IsScalar()) {
    error(key, "expected a single value");
    return std::nullopt;
  }
  return n.Scalar();
}

bool MapReader::integer64(const std::string& key, std::int64_t& out, Req req, long long min,
                          long long max) {
  auto s = scalar(key, req);
  if (!s) return false;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s->c_str(), &end, 10);
  if (s->empty() || *end != '\0' || errno != 0) {
    error(key, "expected an integer, got '" + *s + "'");
    return false;
  }
  if (v < min || v > max) {
    error(key, "value " + *s + " out of range [" + std::to_string(min) + ", " +
                   std::to_string(max) + "]");
    return false;
  }
  out = v;
  return true;
}

bool MapReader::integer(const std::string& key, int& out, Req req, long long min, long long max) {
  std::int64_t v = 0;
  if (!integer64(key, v, req, min, max)) return false;
  out = int(v);
  return true;
}

bool MapReader::number(const std::string& key, double& out, Req req, double min, double max) {
  auto s = scalar(key, req);
  if (!s) return false;
  char* end = nullptr;
  const double v = std::strtod(s->c_str(), &end);
  if (s->empty() || *end != '\0' || !std::isfinite(v)) {
    error(key, "expected a number, got '" + *s + "'");
    return false;
  }
  if (v < min || v > max) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "value %s out of range [%g, %g]", s->c_str(), min, max);
    error(key, buf);
    return false;
  }
  out = v;
  return true;
}

bool MapReader::boolean(const std::string& key, bool& out, Req req) {
  auto s = scalar(key, req);
  if (!s) return false;
  if (*s == "true") out = true;
  else if (*s == "false") out = false;
  else {
    error(key, "expected true or false, got '" + *s + "'");
    return false;
  }
  return true;
}

bool MapReader::text(const std::string& key, std::string& out, Req req) {
  auto s = scalar(key, req);
  if (!s) return false;
  out = *s;
  return true;
}

bool MapReader::choice(const std::string& key, std::string& out,
                       const std::vector<std::string>& choices, Req req) {
  auto s = scalar(key, req);
  if (!s) return false;
  for (const auto& c : choices) {
    if (c == *s) {
      out = *s;
      return true;
    }
  }
  error(key, "'" + *s + "' is not valid; " + suggestion_text(*s, choices));
  return false;
}

bool MapReader::dtype(const std::string& key, DType& out, Req req) {
  std::string s;
  if (!choice(key, s, dtype_names(), req)) return false;
  out = *parse_dtype(s);
  return true;
}

bool MapReader::quantity(const std::string& key, double& out_si, Dimension d, Req req,
                         double min_si) {
  auto s = scalar(key, req);
  if (!s) return false;
  const ParsedQuantity q = parse_quantity(*s, d);
  if (!q.value) {
    error(key, q.error);
    return false;
  }
  if (*q.value < min_si) {
    error(key, "value '" + *s + "' must be at least " + format_quantity(min_si, d));
    return false;
  }
  out_si = *q.value;
  return true;
}

std::optional<MapReader> MapReader::map(const std::string& key, Req req) {
  known_.push_back(key);
  if (!has(key)) {
    if (req == Req::kRequired && valid_) error("", "missing required key '" + key + "'");
    return std::nullopt;
  }
  MapReader sub(node_[key], child_path(key), file_, *ctx_);
  if (!sub.valid()) return std::nullopt;
  return sub;
}

YAML::Node MapReader::raw(const std::string& key) {
  known_.push_back(key);
  return valid_ ? node_[key] : YAML::Node();
}

bool MapReader::plugin_impl(const std::string& key, const std::string& family,
                            const std::vector<std::string>& names, const SpecLookup& specs,
                            PluginConfig& out, Req req) {
  known_.push_back(key);
  if (!has(key)) {
    if (req == Req::kRequired && valid_) error("", "missing required key '" + key + "'");
    return false;
  }
  const YAML::Node n = node_[key];
  std::string name;
  YAML::Node params;
  if (n.IsScalar()) {
    name = n.Scalar();
  } else if (n.IsMap() && n["name"] && n["name"].IsScalar()) {  // n["name"] of a const map
                                                                   // without it is invalid
    name = n["name"].Scalar();
    params = n;
  } else {
    error(key, "expected a " + family + " name, or a map with 'name' and its parameters");
    return false;
  }
  const std::vector<ParamSpec>* spec = specs(name);
  if (!spec) {
    error(key, "unknown " + family + " '" + name + "'; " + suggestion_text(name, names));
    return false;
  }
  PluginConfig cfg;
  cfg.name = name;
  bool ok = true;
  std::vector<std::string> unparsed;  // reported once, not again as "missing"
  const std::string base = child_path(key);
  if (params.IsDefined()) {
    std::vector<std::string> param_names{"name"};
    for (const auto& p : *spec) param_names.push_back(p.name);
    for (const auto& kv : params) {
      const std::string pname = key_text(kv.first);
      if (pname == "name") continue;
      const ParamSpec* ps = nullptr;
      for (const auto& p : *spec) {
        if (p.name == pname) ps = &p;
      }
      if (!ps) {
        error_at(kv.first, base + "." + pname,
                 "unknown parameter of " + family + " '" + name + "'; " +
                     suggestion_text(pname, param_names, "valid keys"));
        ok = false;
        continue;
      }
      ParamValue v;
      std::string err;
      if (ps->type == ParamType::kNumberList && kv.second.IsSequence()) {
        std::vector<double> list;
        for (const auto& item : kv.second) {
          char* end = nullptr;
          const std::string t = item.Scalar();
          const double d = std::strtod(t.c_str(), &end);
          if (t.empty() || *end != '\0') err = "expected a list of numbers, got '" + t + "'";
          list.push_back(d);
        }
        v = list;
      } else if (kv.second.IsScalar()) {
        v = param_from_text(*ps, kv.second.Scalar(), err);
      } else {
        err = "expected " + ps->type_text();
      }
      if (!err.empty()) {
        error_at(kv.second, base + "." + pname, err);
        unparsed.push_back(pname);
        ok = false;
        continue;
      }
      cfg.params.set(pname, std::move(v));
    }
  }
  for (const auto& problem : complete_params(*spec, cfg.params)) {
    if (std::find(unparsed.begin(), unparsed.end(), problem.param) != unparsed.end()) continue;
    const YAML::Node at = params.IsDefined() && params[problem.param] ? params[problem.param] : n;
    error_at(at, base + "." + problem.param, problem.message);
    ok = false;
  }
  if (!ok) return false;
  out = std::move(cfg);
  return true;
}

void MapReader::finish() {
  if (!valid_) return;
  std::vector<std::string> unique;
  for (const auto& k : known_) {
    if (std::find(unique.begin(), unique.end(), k) == unique.end()) unique.push_back(k);
  }
  known_ = unique;
  for (const auto& kv : node_) {
    const std::string key = key_text(kv.first);
    bool known = false;
    for (const auto& k : known_) known = known || k == key;
    if (!known) {
      error_at(kv.first, child_path(key), "unknown key; " + suggestion_text(key, known_, "valid keys"));
    }
  }
}

}  // namespace moesim
