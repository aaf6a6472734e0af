#include "analysis/sweep_expr.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "analysis/json_writer.hpp"

namespace moesim {

// Grammar (one comparison at most, so "a < b < c" is a syntax error rather than a surprise):
//   top    := sum [cmp sum]
//   sum    := term (('+' | '-') term)*
//   term   := factor (('*' | '/') factor)*
//   factor := '-' factor | number | name | '(' sum ')'
class ExpressionParser {
 public:
  explicit ExpressionParser(Expression& e) : e_(e), s_(e.text_) {}

  void run() {
    skip();
    e_.root_ = top();
    skip();
    if (pos_ < s_.size()) fail("unexpected '" + std::string(1, s_[pos_]) + "'");
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    const std::size_t col = pos_ + 1;
    throw ExpressionError(what + " at column " + std::to_string(col), col);
  }
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  int add(Expression::Node n) {
    e_.nodes_.push_back(std::move(n));
    return int(e_.nodes_.size()) - 1;
  }
  int binary(char op, int lhs, int rhs, std::size_t col) {
    Expression::Node n;
    n.op = op;
    n.lhs = lhs;
    n.rhs = rhs;
    n.column = col;
    return add(n);
  }
  // The comparison operator at pos_, consumed; 0 when there is none.
  char comparison() {
    static const struct {
      const char* text;
      char op;
    } ops[] = {{"<=", 'l'}, {">=", 'g'}, {"==", '='}, {"!=", '!'}, {"<", '<'}, {">", '>'}};
    for (const auto& o : ops) {
      if (s_.compare(pos_, std::char_traits<char>::length(o.text), o.text) == 0) {
        pos_ += std::char_traits<char>::length(o.text);
        return o.op;
      }
    }
    return 0;
  }
  int top() {
    const int lhs = sum();
    skip();
    const std::size_t col = pos_ + 1;
    const char op = comparison();
    if (op == 0) {
      if (pos_ < s_.size() && s_[pos_] == '=') fail("'=' is not a comparison (use '==')");
      return lhs;
    }
    skip();
    return binary(op, lhs, sum(), col);
  }
  int sum() {
    int lhs = term();
    for (skip(); pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-'); skip()) {
      const char op = s_[pos_];
      const std::size_t col = ++pos_;
      lhs = binary(op, lhs, term(), col);
    }
    return lhs;
  }
  int term() {
    int lhs = factor();
    for (skip(); pos_ < s_.size() && (s_[pos_] == '*' || s_[pos_] == '/'); skip()) {
      const char op = s_[pos_];
      const std::size_t col = ++pos_;
      lhs = binary(op, lhs, factor(), col);
    }
    return lhs;
  }
  int factor() {
    skip();
    if (pos_ >= s_.size()) fail("expected a number, a name or '(' but the expression ended");
    const char c = s_[pos_];
    const std::size_t col = pos_ + 1;
    if (c == '-') {
      ++pos_;
      return binary('u', factor(), -1, col);
    }
    if (c == '(') {
      ++pos_;
      const int inner = sum();
      skip();
      if (pos_ >= s_.size() || s_[pos_] != ')') fail("expected ')'");
      ++pos_;
      return inner;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return number(col);
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return name(col);
    fail("expected a number, a name or '('");
  }
  int number(std::size_t col) {
    const char* begin = s_.c_str() + pos_;
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(begin, &end);
    if (end == begin || errno != 0 || !std::isfinite(v)) fail("bad number");
    pos_ += std::size_t(end - begin);
    Expression::Node n;
    n.op = 'n';
    n.number = v;
    n.column = col;
    return add(n);
  }
  // name := word ('.' word)*, word := [A-Za-z0-9_]+ starting with a letter or '_' at the front.
  int name(std::size_t col) {
    const std::size_t start = pos_;
    auto word_char = [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
    };
    while (pos_ < s_.size() && (word_char(s_[pos_]) || s_[pos_] == '.')) {
      if (s_[pos_] == '.' && (pos_ + 1 >= s_.size() || !word_char(s_[pos_ + 1]))) {
        ++pos_;
        fail("a name cannot end with '.'");
      }
      ++pos_;
    }
    Expression::Node n;
    n.op = 'v';
    n.name = s_.substr(start, pos_ - start);
    n.column = col;
    bool seen = false;
    for (const auto& x : e_.names_) seen = seen || x == n.name;
    if (!seen) e_.names_.push_back(n.name);
    return add(n);
  }

  Expression& e_;
  const std::string& s_;
  std::size_t pos_ = 0;
};

Expression Expression::parse(const std::string& text) {
  Expression e;
  e.text_ = text;
  ExpressionParser(e).run();
  return e;
}

std::size_t Expression::column_of(const std::string& name) const {
  std::size_t best = 0;
  for (const auto& n : nodes_) {
    if (n.op == 'v' && n.name == name && (best == 0 || n.column < best)) best = n.column;
  }
  return best;
}

bool Expression::is_comparison() const {
  if (root_ < 0) return false;
  const char op = nodes_[std::size_t(root_)].op;
  return op == '<' || op == '>' || op == 'l' || op == 'g' || op == '=' || op == '!';
}

double Expression::evaluate(const Lookup& lookup) const { return eval(root_, lookup); }

double Expression::eval(int i, const Lookup& lookup) const {
  const Node& n = nodes_.at(std::size_t(i));
  switch (n.op) {
    case 'n':
      return n.number;
    case 'v':
      try {
        return lookup(n.name);
      } catch (const ExpressionError& e) {
        if (e.column() != 0) throw;  // already placed (an error inside another derived value)
        throw ExpressionError(std::string(e.what()) + " at column " + std::to_string(n.column),
                              n.column);
      }
    case 'u':
      return -eval(n.lhs, lookup);
    default:
      break;
  }
  const double a = eval(n.lhs, lookup);
  const double b = eval(n.rhs, lookup);
  switch (n.op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (b == 0) {
        throw ExpressionError("division by zero at column " + std::to_string(n.column), n.column);
      }
      return a / b;
    // Comparisons of values that came through decimal text: a relative tolerance keeps
    // "0.1 * 3 == 0.3" true, as a person reading the filter expects.
    case '=':
      return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b)) ? 1 : 0;
    case '!':
      return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b)) ? 0 : 1;
    case '<':
      return a < b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case 'l':
      return a <= b ? 1 : 0;
    case 'g':
      return a >= b ? 1 : 0;
    default:
      throw ExpressionError("internal: unknown operator", n.column);
  }
}

std::string format_sweep_number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.007199254740992e15) {
    return std::to_string(static_cast<long long>(v));
  }
  return JsonWriter::number(v);
}

bool parse_sweep_number(const std::string& text, double& out) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) return false;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (*end != '\0' || errno != 0 || !std::isfinite(v)) return false;
  // strtod also reads "0x10", "inf" and "nan": sweep values are decimal only.
  for (char c : text) {
    if (std::isalpha(static_cast<unsigned char>(c)) && c != 'e' && c != 'E') return false;
  }
  out = v;
  return true;
}

}  // namespace moesim
