#include "workloads/flat_json.hpp"

#include "workloads/trace_source.hpp"

namespace moesim {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  std::vector<FlatJsonField> object() {
    skip_space();
    if (!eat('{')) fail("expected a JSON object starting with '{'");
    std::vector<FlatJsonField> fields;
    skip_space();
    if (eat('}')) return finish(std::move(fields));
    while (true) {
      skip_space();
      if (peek() != '"') fail("expected a key in double quotes");
      FlatJsonField f;
      const std::size_t key_pos = pos_;
      f.key = string();
      for (const auto& g : fields) {
        if (g.key == f.key) fail_at(key_pos, "duplicate key \"" + f.key + "\"");
      }
      skip_space();
      if (!eat(':')) fail("expected ':' after key \"" + f.key + "\"");
      skip_space();
      value(f);
      fields.push_back(std::move(f));
      skip_space();
      if (eat('}')) return finish(std::move(fields));
      if (!eat(',')) fail("expected ',' or '}' after the value of \"" + fields.back().key + "\"");
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { fail_at(pos_, what); }
  [[noreturn]] static void fail_at(std::size_t pos, const std::string& what) {
    throw RowError(what + " (column " + std::to_string(pos + 1) + ")");
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool eat(char c) {
    if (pos_ >= s_.size() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  void skip_space() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' || s_[pos_] == '\n')) {
      ++pos_;
    }
  }
  bool word(std::string_view w) {
    if (s_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }

  std::vector<FlatJsonField> finish(std::vector<FlatJsonField> fields) {
    skip_space();
    if (pos_ != s_.size()) fail("unexpected text after the closing '}'");
    return fields;
  }

  void value(FlatJsonField& f) {
    const char c = peek();
    if (c == '"') {
      f.kind = FlatJsonField::Kind::kString;
      f.text = string();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      f.kind = FlatJsonField::Kind::kNumber;
      f.text = number();
    } else if (c == '[') {
      f.kind = FlatJsonField::Kind::kNumberArray;
      array(f);
    } else if (word("true") || word("false")) {
      f.kind = FlatJsonField::Kind::kBool;
      f.text = c == 't' ? "true" : "false";
    } else if (word("null")) {
      f.kind = FlatJsonField::Kind::kNull;
      f.text = "null";
    } else if (c == '{') {
      fail("nested objects are not supported (key \"" + f.key + "\")");
    } else {
      fail("expected a value for key \"" + f.key + "\"");
    }
  }

  void array(FlatJsonField& f) {
    eat('[');
    skip_space();
    if (eat(']')) return;
    while (true) {
      skip_space();
      const char c = peek();
      if (c != '-' && (c < '0' || c > '9')) {
        fail("expected a number in the array of \"" + f.key + "\"");
      }
      f.items.push_back(number());
      skip_space();
      if (eat(']')) return;
      if (!eat(',')) fail("expected ',' or ']' in the array of \"" + f.key + "\"");
    }
  }

  // JSON number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  std::string number() {
    const std::size_t begin = pos_;
    auto run = [&] {
      const std::size_t from = pos_;
      while (peek() >= '0' && peek() <= '9') ++pos_;
      return pos_ > from;
    };
    eat('-');
    if (!eat('0') && !run()) fail("malformed number");
    if (eat('.') && !run()) fail("malformed number: digits expected after '.'");
    if (eat('e') || eat('E')) {
      if (!eat('+')) eat('-');
      if (!run()) fail("malformed number: digits expected in the exponent");
    }
    return std::string(s_.substr(begin, pos_ - begin));
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }

  std::string string() {
    eat('"');
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) fail("unterminated string");
      const char c = s_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) {
        --pos_;
        fail("control character in a string");
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      const char e = peek();
      ++pos_;
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
        case 'u': {
          unsigned cp = 0;
          for (int i = 0; i < 4; ++i, ++pos_) {
            const char h = peek();
            const int v = (h >= '0' && h <= '9')   ? h - '0'
                          : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                          : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                                   : -1;
            if (v < 0) fail("expected 4 hex digits after \\u");
            cp = cp * 16 + unsigned(v);
          }
          append_utf8(out, cp);
          break;
        }
        default:
          --pos_;
          fail("unknown escape in a string");
      }
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<FlatJsonField> parse_flat_json_object(std::string_view line) {
  return Parser(line).object();
}

}  // namespace moesim
