// A small streaming JSON writer with deterministic number formatting (%.17g trimmed), so equal
// inputs give byte-identical files.
#pragma once

#include <string>
#include <vector>

namespace moesim {

class JsonWriter {
 public:
  explicit JsonWriter(bool pretty = true) : pretty_(pretty) {}
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(const std::string& k);
  JsonWriter& value(double v);
  JsonWriter& value(long long v);
  JsonWriter& value(int v) { return value(static_cast<long long>(v)); }
  JsonWriter& value(bool v);
  JsonWriter& value(const std::string& v);
  JsonWriter& value(const char* v) { return value(std::string(v)); }
  JsonWriter& null();
  template <class T>
  JsonWriter& field(const std::string& k, const T& v) {
    key(k);
    return value(v);
  }
  [[nodiscard]] const std::string& str() const { return out_; }

  static std::string escape(const std::string& s);
  static std::string number(double v);  // shortest round-tripping form; NaN/inf -> null

 private:
  void before_value();
  void newline();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element yet
  bool after_key_ = false;
  bool pretty_;
};

}  // namespace moesim
