#include "analysis/sweep_expr.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "analysis/json_writer.hpp"
#include "models/units.hpp"

namespace moesim {
namespace {

constexpr Dimension kDimensions[] = {Dimension::kTime, Dimension::kRate, Dimension::kBytes,
                                     Dimension::kBandwidth, Dimension::kFlopRate};

bool is_comparison_op(char op) {
  return op == '<' || op == '>' || op == 'l' || op == 'g' || op == '=' || op == '!';
}
bool is_boolean_op(char op) { return is_comparison_op(op) || op == '&' || op == '|'; }

bool word_char(char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; }

}  // namespace

// Grammar (one comparison per chain, so "a < b < c" is a syntax error rather than a surprise):
//   top    := or
//   or     := and ('||' and)*
//   and    := cmp ('&&' cmp)*
//   cmp    := sum [cmpop sum]
//   sum    := term (('+' | '-') term)*
//   term   := factor (('*' | '/') factor)*
//   factor := '-' factor | number [unit] | text | name | '(' or ')'
// Kinds are checked while parsing: && and || join comparisons, arithmetic and comparisons take
// values, and text is only compared with == or !=.
class ExpressionParser {
 public:
  explicit ExpressionParser(Expression& e) : e_(e), s_(e.text_) {}

  void run() {
    skip();
    e_.root_ = logical_or();
    skip();
    if (pos_ < s_.size()) fail("unexpected '" + std::string(1, s_[pos_]) + "'");
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { fail_at(pos_ + 1, what); }
  [[noreturn]] static void fail_at(std::size_t col, const std::string& what) {
    throw ExpressionError(what + " at column " + std::to_string(col), col);
  }
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  int add(Expression::Node n) {
    e_.nodes_.push_back(std::move(n));
    return int(e_.nodes_.size()) - 1;
  }
  const Expression::Node& node(int i) const { return e_.nodes_[std::size_t(i)]; }
  bool boolean(int i) const { return is_boolean_op(node(i).op); }
  bool text(int i) const { return node(i).op == 't'; }
  int binary(char op, int lhs, int rhs, std::size_t col) {
    Expression::Node n;
    n.op = op;
    n.lhs = lhs;
    n.rhs = rhs;
    n.column = col;
    return add(n);
  }
  // An operand of arithmetic or of < <= > >= must be a value, not a comparison or text.
  void need_number(int operand, const char* op, std::size_t col) const {
    if (boolean(operand)) fail_at(col, std::string("'") + op + "' needs a value, not a comparison");
    if (text(operand)) fail_at(col, std::string("'") + op + "' needs a number, not text");
  }
  // The comparison operator at pos_, consumed; 0 when there is none.
  char comparison(const char*& spelled) {
    static const struct {
      const char* text;
      char op;
    } ops[] = {{"<=", 'l'}, {">=", 'g'}, {"==", '='}, {"!=", '!'}, {"<", '<'}, {">", '>'}};
    for (const auto& o : ops) {
      if (s_.compare(pos_, std::char_traits<char>::length(o.text), o.text) == 0) {
        pos_ += std::char_traits<char>::length(o.text);
        spelled = o.text;
        return o.op;
      }
    }
    return 0;
  }
  int logical(char op, const char* spelled, int (ExpressionParser::*operand)()) {
    int lhs = (this->*operand)();
    for (skip(); s_.compare(pos_, 2, spelled) == 0; skip()) {
      const std::size_t col = pos_ + 1;
      pos_ += 2;
      const int rhs = (this->*operand)();
      for (int side : {lhs, rhs}) {
        if (!boolean(side)) {
          fail_at(col, std::string("'") + spelled + "' joins comparisons such as 'a <= 1'");
        }
      }
      lhs = binary(op, lhs, rhs, col);
    }
    return lhs;
  }
  int logical_or() { return logical('|', "||", &ExpressionParser::logical_and); }
  int logical_and() { return logical('&', "&&", &ExpressionParser::compare); }
  int compare() {
    skip();
    const std::size_t begin = pos_;
    const int lhs = sum();
    skip();
    const std::size_t col = pos_ + 1;
    const char* spelled = "";
    const char op = comparison(spelled);
    if (op == 0) {
      if (pos_ < s_.size() && s_[pos_] == '=') fail("'=' is not a comparison (use '==')");
      return lhs;
    }
    const int rhs = sum();
    for (int side : {lhs, rhs}) {
      if (boolean(side)) fail_at(col, std::string("'") + spelled + "' compares values, not comparisons");
      if (text(side) && op != '=' && op != '!') {
        fail_at(col, std::string("'") + spelled + "' needs numbers; text is compared with == or !=");
      }
    }
    const int n = binary(op, lhs, rhs, col);
    e_.nodes_[std::size_t(n)].begin = begin;
    e_.nodes_[std::size_t(n)].end = pos_;
    return n;
  }
  int sum() {
    int lhs = term();
    for (skip(); pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-'); skip()) {
      const char op[] = {s_[pos_], 0};
      const std::size_t col = ++pos_;
      const int rhs = term();
      need_number(lhs, op, col);
      need_number(rhs, op, col);
      lhs = binary(op[0], lhs, rhs, col);
    }
    return lhs;
  }
  int term() {
    int lhs = factor();
    for (skip(); pos_ < s_.size() && (s_[pos_] == '*' || s_[pos_] == '/'); skip()) {
      const char op[] = {s_[pos_], 0};
      const std::size_t col = ++pos_;
      const int rhs = factor();
      need_number(lhs, op, col);
      need_number(rhs, op, col);
      lhs = binary(op[0], lhs, rhs, col);
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
      const int inner = factor();
      need_number(inner, "-", col);
      return binary('u', inner, -1, col);
    }
    if (c == '(') {
      ++pos_;
      const int inner = logical_or();
      skip();
      if (pos_ >= s_.size() || s_[pos_] != ')') fail("expected ')'");
      ++pos_;
      return inner;
    }
    if (c == '\'' || c == '"') return quoted(col);
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return number(col);
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return name(col);
    fail("expected a number, a name or '('");
  }
  int quoted(std::size_t col) {
    const char quote = s_[pos_];
    const auto close = s_.find(quote, pos_ + 1);
    if (close == std::string::npos) fail(std::string("text opened with ") + quote + " is not closed");
    Expression::Node n;
    n.op = 't';
    n.name = s_.substr(pos_ + 1, close - pos_ - 1);
    n.column = col;
    pos_ = close + 1;
    return add(n);
  }
  int number(std::size_t col) {
    const char* begin = s_.c_str() + pos_;
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(begin, &end);
    if (end == begin || errno != 0 || !std::isfinite(v)) fail("bad number");
    pos_ += std::size_t(end - begin);
    const std::size_t unit_at = pos_;
    v *= unit();
    if (!std::isfinite(v)) fail_at(col, "number out of range");
    Expression::Node n;
    n.op = 'n';
    n.number = v;
    n.name = s_.substr(unit_at, pos_ - unit_at);  // the unit as written
    n.column = col;
    return add(n);
  }
  // The unit right after a number ("30ms", "4/s", "2000tok/s"): the longest known unit there
  // that no letter, digit, '_' or '.' follows. A letter with no unit is an error; a '/' with no
  // unit is a division ("8/deployment.tp").
  double unit() {
    if (pos_ >= s_.size() || !(std::isalpha(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '/'))
      return 1;
    std::size_t run = pos_;
    while (run < s_.size() && (std::isalpha(static_cast<unsigned char>(s_[run])) || s_[run] == '/'))
      ++run;
    for (std::size_t end = run; end > pos_; --end) {
      if (end < s_.size() && (word_char(s_[end]) || s_[end] == '.')) continue;
      if (const auto f = expression_unit(s_.substr(pos_, end - pos_))) {
        pos_ = end;
        return *f;
      }
    }
    if (s_[pos_] == '/') return 1;
    std::size_t word = pos_;
    while (word < s_.size() && (word_char(s_[word]) || s_[word] == '/')) ++word;
    fail("unknown unit '" + s_.substr(pos_, word - pos_) + "' (units: " + expression_units() + ")");
  }
  // name := word ('.' word)*, word := [A-Za-z0-9_]+ starting with a letter or '_' at the front.
  int name(std::size_t col) {
    const std::size_t start = pos_;
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
  return root_ >= 0 && is_boolean_op(nodes_[std::size_t(root_)].op);
}

std::vector<ExprBound> Expression::bounds() const {
  // A constant side: a number, or minus a number (with the unit it was written with).
  auto constant = [&](int i, ExprBound& b) {
    const Node& n = nodes_[std::size_t(i)];
    if (n.op == 'n') return b.value = n.number, b.unit = n.name, true;
    if (n.op == 'u' && nodes_[std::size_t(n.lhs)].op == 'n') {
      const Node& m = nodes_[std::size_t(n.lhs)];
      return b.value = -m.number, b.unit = m.name, true;
    }
    return false;
  };
  auto spelled = [](char op, bool flip) -> std::string {
    switch (op) {
      case '<': return flip ? ">" : "<";
      case '>': return flip ? "<" : ">";
      case 'l': return flip ? ">=" : "<=";
      case 'g': return flip ? "<=" : ">=";
      case '=': return "==";
      default: return "!=";
    }
  };
  std::vector<std::pair<std::size_t, ExprBound>> found;  // by position in the text
  for (const Node& n : nodes_) {
    if (!is_comparison_op(n.op)) continue;
    const Node& l = nodes_[std::size_t(n.lhs)];
    const Node& r = nodes_[std::size_t(n.rhs)];
    ExprBound b;
    if (l.op == 'v' && constant(n.rhs, b)) {
      b.name = l.name, b.op = spelled(n.op, false);
    } else if (r.op == 'v' && constant(n.lhs, b)) {
      b.name = r.name, b.op = spelled(n.op, true);
    } else {
      continue;
    }
    std::string t = text_.substr(n.begin, n.end - n.begin);
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
    b.text = t;
    found.emplace_back(n.begin, std::move(b));
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<ExprBound> out;
  for (auto& [at, b] : found) out.push_back(std::move(b));
  return out;
}

double Expression::evaluate(const Lookup& lookup) const {
  return evaluate_values([&](const std::string& name) { return ExprValue{lookup(name), {}}; });
}

double Expression::evaluate_values(const ValueLookup& lookup) const {
  const ExprValue v = eval(root_, lookup);
  if (v.text) {
    throw ExpressionError("the expression is text ('" + *v.text + "'), not a number", 1);
  }
  return v.number;
}

double Expression::number_of(int i, const ValueLookup& lookup) const {
  const ExprValue v = eval(i, lookup);
  if (!v.text) return v.number;
  const Node& n = nodes_.at(std::size_t(i));
  throw ExpressionError("'" + n.name + "' is '" + *v.text + "', not a number at column " +
                            std::to_string(n.column),
                        n.column);
}

ExprValue Expression::eval(int i, const ValueLookup& lookup) const {
  const Node& n = nodes_.at(std::size_t(i));
  switch (n.op) {
    case 'n':
      return {n.number, {}};
    case 't':
      return {0, n.name};
    case 'v':
      try {
        return lookup(n.name);
      } catch (const ExpressionError& e) {
        if (e.column() != 0) throw;  // already placed (an error inside another derived value)
        throw ExpressionError(std::string(e.what()) + " at column " + std::to_string(n.column),
                              n.column);
      }
    case 'u':
      return {-number_of(n.lhs, lookup), {}};
    case '&':
      return {number_of(n.lhs, lookup) != 0 && number_of(n.rhs, lookup) != 0 ? 1.0 : 0.0, {}};
    case '|':
      return {number_of(n.lhs, lookup) != 0 || number_of(n.rhs, lookup) != 0 ? 1.0 : 0.0, {}};
    default:
      break;
  }
  if (n.op == '=' || n.op == '!') {
    const ExprValue a = eval(n.lhs, lookup), b = eval(n.rhs, lookup);
    bool equal = false;
    if (a.text || b.text) {
      equal = (a.text ? *a.text : format_sweep_number(a.number)) ==
              (b.text ? *b.text : format_sweep_number(b.number));
    } else {
      // Values that came through decimal text: a relative tolerance keeps "0.1 * 3 == 0.3"
      // true, as a person reading the filter expects.
      equal = std::fabs(a.number - b.number) <=
              1e-9 * std::max(std::fabs(a.number), std::fabs(b.number));
    }
    return {equal == (n.op == '=') ? 1.0 : 0.0, {}};
  }
  const double a = number_of(n.lhs, lookup);
  const double b = number_of(n.rhs, lookup);
  switch (n.op) {
    case '+':
      return {a + b, {}};
    case '-':
      return {a - b, {}};
    case '*':
      return {a * b, {}};
    case '/':
      if (b == 0) {
        throw ExpressionError("division by zero at column " + std::to_string(n.column), n.column);
      }
      return {a / b, {}};
    case '<':
      return {a < b ? 1.0 : 0.0, {}};
    case '>':
      return {a > b ? 1.0 : 0.0, {}};
    case 'l':
      return {a <= b ? 1.0 : 0.0, {}};
    case 'g':
      return {a >= b ? 1.0 : 0.0, {}};
    default:
      throw ExpressionError("internal: unknown operator", n.column);
  }
}

std::optional<double> expression_unit(const std::string& unit) {
  if (unit == "tok/s" || unit == "tokens/s") return 1.0;
  for (Dimension d : kDimensions) {
    if (const auto v = parse_quantity("1" + unit, d).value) return *v;
  }
  return std::nullopt;
}

std::string expression_units() {
  std::string out;
  for (Dimension d : kDimensions) out += (out.empty() ? "" : "; ") + dimension_units(d);
  return out + "; tok/s, tokens/s";
}

std::vector<std::pair<std::string, double>> expression_unit_table() {
  std::vector<std::pair<std::string, double>> out;
  const auto add_list = [&](const std::string& list) {
    std::size_t at = 0;
    while (at <= list.size()) {
      std::size_t comma = list.find(", ", at);
      if (comma == std::string::npos) comma = list.size();
      const std::string name = list.substr(at, comma - at);
      if (const auto f = expression_unit(name)) out.emplace_back(name, *f);
      at = comma + 2;
    }
  };
  for (Dimension d : kDimensions) add_list(dimension_units(d));
  add_list("tok/s, tokens/s");
  return out;
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
