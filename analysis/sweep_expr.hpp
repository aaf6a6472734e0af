// The tiny expression language of sweep files: `derived:` values ("devices / deployment.tp") and
// `filters:` ("deployment.tp * deployment.ep <= 8"). Numbers, dotted names, + - * /, unary minus,
// parentheses, and at most one comparison (<= < >= > == !=) at the top. Parsed once by recursive
// descent into a small tree, evaluated per sweep point.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace moesim {

// A syntax or evaluation error; `column` is 1-based within the expression text (0 = unknown).
class ExpressionError : public std::runtime_error {
 public:
  ExpressionError(const std::string& message, std::size_t column)
      : std::runtime_error(message), column_(column) {}
  [[nodiscard]] std::size_t column() const { return column_; }

 private:
  std::size_t column_;
};

class Expression {
 public:
  // Returns the value of one name; throws ExpressionError for a name it does not know or whose
  // value is not a number (the evaluator adds the column).
  using Lookup = std::function<double(const std::string& name)>;

  // Parses `text`. Throws ExpressionError ("expected a number, a name or '(' at column 9").
  [[nodiscard]] static Expression parse(const std::string& text);

  [[nodiscard]] const std::string& text() const { return text_; }
  // Every name the expression reads, in order of first appearance.
  [[nodiscard]] const std::vector<std::string>& names() const { return names_; }
  // Column (1-based) of the first use of `name`; 0 when it does not occur.
  [[nodiscard]] std::size_t column_of(const std::string& name) const;
  // True when the top level is a comparison (its value is then 1 or 0).
  [[nodiscard]] bool is_comparison() const;

  // The value. Throws ExpressionError on division by zero or a failed lookup.
  [[nodiscard]] double evaluate(const Lookup& lookup) const;

 private:
  struct Node {
    char op = 0;  // 'n' number, 'v' name, 'u' unary minus, + - * /, or a comparison:
                  // '<' '>' 'l' (<=) 'g' (>=) '=' (==) '!' (!=)
    double number = 0;
    std::string name;
    std::size_t column = 0;
    int lhs = -1, rhs = -1;
  };
  friend class ExpressionParser;
  [[nodiscard]] double eval(int node, const Lookup& lookup) const;

  std::string text_;
  std::vector<Node> nodes_;
  int root_ = -1;
  std::vector<std::string> names_;
};

// A number as sweep values are written: an integral value as an integer ("4", "-2"), otherwise
// the shortest text that reads back to the same double ("0.5", "1e-07").
[[nodiscard]] std::string format_sweep_number(double v);

// Reads a whole string as a finite number ("4", "0.5", "1e3"); false for anything else.
[[nodiscard]] bool parse_sweep_number(const std::string& text, double& out);

}  // namespace moesim
