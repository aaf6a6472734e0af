#include "analysis/json_flat.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

#include "analysis/json_writer.hpp"
#include "models/errors.hpp"

namespace moesim {
namespace {

class FlatParser {
 public:
  explicit FlatParser(const std::string& s) : s_(s) {}

  FlatJson run() {
    ws();
    if (pos_ >= s_.size() || (s_[pos_] != '{' && s_[pos_] != '[')) fail("expected '{' or '['");
    value("");
    ws();
    if (pos_ < s_.size()) fail("unexpected text after the document");
    return std::move(out_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError("JSON: " + what + " at byte " + std::to_string(pos_));
  }
  void ws() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool eat(char c) {
    ws();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c)) fail(std::string("expected '") + c + "'");
  }
  static std::string join(const std::string& prefix, const std::string& key) {
    return prefix.empty() ? key : prefix + "." + key;
  }
  void leaf(const std::string& key, FlatValue v) { out_.emplace_back(key, std::move(v)); }

  void value(const std::string& key) {
    ws();
    if (pos_ >= s_.size()) fail("unexpected end");
    const char c = s_[pos_];
    if (c == '{') return object(key);
    if (c == '[') return array(key);
    if (c == '"') return leaf(key, FlatValue{false, 0, string()});
    if (word("true")) return leaf(key, FlatValue{false, 0, "true"});
    if (word("false")) return leaf(key, FlatValue{false, 0, "false"});
    if (word("null")) return leaf(key, FlatValue{false, 0, "null", true});
    double v = 0;
    const auto res = std::from_chars(s_.data() + pos_, s_.data() + s_.size(), v);
    if (res.ec != std::errc() || res.ptr == s_.data() + pos_) fail("expected a value");
    pos_ = std::size_t(res.ptr - s_.data());
    leaf(key, FlatValue{true, v, JsonWriter::number(v)});
  }
  bool word(const char* w) {
    const std::string_view sv(w);
    if (s_.compare(pos_, sv.size(), sv) != 0) return false;
    pos_ += sv.size();
    return true;
  }
  void object(const std::string& prefix) {
    expect('{');
    if (eat('}')) return;
    do {
      ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') fail("expected a key");
      const std::string k = string();
      expect(':');
      value(join(prefix, k));
    } while (eat(','));
    expect('}');
  }
  void array(const std::string& prefix) {
    expect('[');
    if (eat(']')) return;
    std::size_t i = 0;
    do {
      value(join(prefix, std::to_string(i++)));
    } while (eat(','));
    expect(']');
  }
  std::string string() {
    ++pos_;  // the opening quote
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) fail("unterminated string");
      const char c = s_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) fail("unterminated string");
      const char e = s_[pos_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u':
          utf8(out);
          break;
        default:
          fail("bad escape");
      }
    }
  }
  // \uXXXX (with surrogate pairs) as UTF-8.
  void utf8(std::string& out) {
    unsigned cp = hex4();
    if (cp >= 0xD800 && cp < 0xDC00 && s_.compare(pos_, 2, "\\u") == 0) {
      pos_ += 2;
      const unsigned lo = hex4();
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }
  unsigned hex4() {
    if (pos_ + 4 > s_.size()) fail("bad \\u escape");
    unsigned v = 0;
    const auto res = std::from_chars(s_.data() + pos_, s_.data() + pos_ + 4, v, 16);
    if (res.ptr != s_.data() + pos_ + 4) fail("bad \\u escape");
    pos_ += 4;
    return v;
  }

  const std::string& s_;
  std::size_t pos_ = 0;
  FlatJson out_;
};

}  // namespace

FlatJson flatten_json(const std::string& text) { return FlatParser(text).run(); }

const FlatValue* find_flat(const FlatJson& flat, const std::string& key) {
  for (const auto& [k, v] : flat) {
    if (k == key) return &v;
  }
  return nullptr;
}

}  // namespace moesim
