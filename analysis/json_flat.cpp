#include "analysis/json_flat.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "analysis/json_writer.hpp"

namespace moesim {
namespace {

// nlohmann-json's SAX events, in document order, turned into (dotted key, value) rows.
class Flattener final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit Flattener(const std::string& text) : text_(text) {}

  FlatJson take() { return std::move(out_); }

  bool null() override { return leaf(FlatValue{false, 0, "null", true}); }
  bool boolean(bool v) override { return leaf(FlatValue{false, 0, v ? "true" : "false"}); }
  // Non-negative integers come as number_unsigned, so a zero here was written "-0".
  bool number_integer(number_integer_t v) override { return number(v == 0 ? -0.0 : double(v)); }
  bool number_unsigned(number_unsigned_t v) override { return number(double(v)); }
  bool number_float(number_float_t v, const string_t& /*raw*/) override { return number(v); }
  bool string(string_t& v) override { return leaf(FlatValue{false, 0, std::move(v)}); }
  bool binary(binary_t& /*v*/) override { return true; }  // not produced by JSON text

  bool start_object(std::size_t /*size*/) override { return open(false); }
  bool key(string_t& k) override {
    frames_.back().key = std::move(k);
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t /*size*/) override { return open(true); }
  bool end_array() override { return close(); }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) override {
    // `position` counts the characters read, the offending one included.
    const std::size_t byte = std::min(position == 0 ? 0 : position - 1, text_.size());
    located_error(text_, byte, detail_of(ex.what()));
  }

  [[noreturn]] static void located_error(const std::string& text, std::size_t byte,
                                         std::string detail) {
    const auto begin = text.begin();
    const auto at = begin + std::ptrdiff_t(byte);
    const std::size_t line = 1 + std::size_t(std::count(begin, at, '\n'));
    const std::size_t newline = byte == 0 ? std::string::npos : text.rfind('\n', byte - 1);
    const std::size_t line_start = newline == std::string::npos ? 0 : newline + 1;
    const std::size_t column = byte - line_start + 1;
    throw JsonSyntaxError(std::move(detail), byte, line, column);
  }

 private:
  struct Frame {
    std::string prefix;  // the container's own dotted key
    bool array = false;
    std::size_t next = 0;  // the next element's position, in an array
    std::string key;       // the member being read, in an object
  };

  // "[json.exception.parse_error.101] parse error at line 1, column 9: syntax error while
  // parsing object key - unexpected '}'; expected string literal" -> what follows the location.
  static std::string detail_of(std::string what) {
    const auto tag = what.find("] ");
    if (tag != std::string::npos) what.erase(0, tag + 2);
    if (what.rfind("parse error", 0) == 0) {
      const auto colon = what.find(": ");
      if (colon != std::string::npos) what.erase(0, colon + 2);
    }
    return what;
  }
  static std::string join(const std::string& prefix, const std::string& key) {
    return prefix.empty() ? key : prefix + "." + key;
  }
  std::string member_key() {
    if (frames_.empty()) return "";
    Frame& f = frames_.back();
    return f.array ? join(f.prefix, std::to_string(f.next++)) : join(f.prefix, f.key);
  }
  bool open(bool array) {
    Frame f;
    f.prefix = member_key();
    f.array = array;
    frames_.push_back(std::move(f));
    return true;
  }
  bool close() {
    frames_.pop_back();
    return true;
  }
  bool leaf(FlatValue v) {
    out_.emplace_back(member_key(), std::move(v));
    return true;
  }
  bool number(double v) { return leaf(FlatValue{true, v, JsonWriter::number(v)}); }

  const std::string& text_;
  std::vector<Frame> frames_;
  FlatJson out_;
};

}  // namespace

JsonSyntaxError::JsonSyntaxError(std::string detail, std::size_t byte, std::size_t line,
                                 std::size_t column)
    : InputError("JSON: " + detail + " at line " + std::to_string(line) + ", column " +
                 std::to_string(column)),
      detail_(std::move(detail)),
      byte_(byte),
      line_(line),
      column_(column) {}

FlatJson flatten_json(const std::string& text) {
  // nlohmann-json reads any JSON value; our documents are objects or arrays.
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || (text[first] != '{' && text[first] != '[')) {
    Flattener::located_error(text, first == std::string::npos ? text.size() : first,
                             "expected '{' or '['");
  }
  Flattener f(text);
  nlohmann::json::sax_parse(text, &f);
  return f.take();
}

const FlatValue* find_flat(const FlatJson& flat, const std::string& key) {
  for (const auto& [k, v] : flat) {
    if (k == key) return &v;
  }
  return nullptr;
}

}  // namespace moesim
