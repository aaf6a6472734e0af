// The tiny expression language of sweep files: `derived:` values ("devices / deployment.tp") and
// `filters:` ("deployment.tp * deployment.ep <= 8"), and of `moesim select`'s constraints and
// axes ("tpot_s.p90 <= 30ms || ttft_s.p90 < 1s"). Numbers (optionally with a unit: 30ms, 4/s,
// 2000tok/s, 80GiB, read in SI base units), quoted text ('grouped', for == and != only), dotted
// names, + - * /, unary minus, parentheses, comparisons (<= < >= > == !=, one per operand
// chain: "a < b < c" is an error), && and || over comparisons (&& binds tighter). Parsed once by
// recursive descent into a small tree, evaluated per sweep point or results row.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
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

// A value: a number, or text when `text` is set (a quoted literal, or a name whose value is text).
struct ExprValue {
  double number = 0;
  std::optional<std::string> text;
};

// One comparison of a name with a constant ("tpot_s.p90 <= 30ms", or "30ms >= tpot_s.p90" with
// the operator turned to read name-first), e.g. for drawing a limit on a plot.
struct ExprBound {
  std::string name;
  std::string op;     // <= < >= > == !=, as if the name were on the left
  double value = 0;   // the constant, in SI base units
  std::string text;   // the comparison as written in the expression
  std::string unit;   // the constant's unit as written ("30ms" -> "ms"); "" for a bare number
};

class Expression {
 public:
  // Returns the value of one name; throws ExpressionError for a name it does not know or whose
  // value is not a number (the evaluator adds the column).
  using Lookup = std::function<double(const std::string& name)>;
  // As Lookup, but a name may hold text (compared with == and !=; an error in arithmetic).
  using ValueLookup = std::function<ExprValue(const std::string& name)>;

  // Parses `text`. Throws ExpressionError ("expected a number, a name or '(' at column 9").
  [[nodiscard]] static Expression parse(const std::string& text);

  [[nodiscard]] const std::string& text() const { return text_; }
  // Every name the expression reads, in order of first appearance.
  [[nodiscard]] const std::vector<std::string>& names() const { return names_; }
  // Column (1-based) of the first use of `name`; 0 when it does not occur.
  [[nodiscard]] std::size_t column_of(const std::string& name) const;
  // True when the top level is a comparison or comparisons joined by && and || (its value is
  // then 1 or 0).
  [[nodiscard]] bool is_comparison() const;
  // Every comparison of a bare name with a constant, in the order written.
  [[nodiscard]] std::vector<ExprBound> bounds() const;

  // The value. Throws ExpressionError on division by zero or a failed lookup.
  [[nodiscard]] double evaluate(const Lookup& lookup) const;
  // The same where names may hold text: text compared with a number compares the number's text
  // (format_sweep_number); text in arithmetic or in < <= > >= is an ExpressionError.
  [[nodiscard]] double evaluate_values(const ValueLookup& lookup) const;

 private:
  struct Node {
    char op = 0;  // 'n' number, 't' text, 'v' name, 'u' unary minus, + - * /, a comparison:
                  // '<' '>' 'l' (<=) 'g' (>=) '=' (==) '!' (!=), or '&' (&&) '|' (||)
    double number = 0;
    std::string name;  // of a name; the text of a text literal; the unit of a number as written
    std::size_t column = 0;
    std::size_t begin = 0, end = 0;  // comparisons: the source span, for bounds()
    int lhs = -1, rhs = -1;
  };
  friend class ExpressionParser;
  [[nodiscard]] ExprValue eval(int node, const ValueLookup& lookup) const;
  [[nodiscard]] double number_of(int node, const ValueLookup& lookup) const;

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

// The SI factor of a unit that may follow a number in an expression: those of scenario values
// (time ns..h, rates /s /min /h Hz.., sizes B..TiB, bandwidths B/s..Tb/s, compute FLOP/s..) and
// tok/s and tokens/s (1, as the throughput columns); nullopt for anything else.
[[nodiscard]] std::optional<double> expression_unit(const std::string& unit);
// The accepted units, for messages.
[[nodiscard]] std::string expression_units();
// Every accepted unit with its SI factor, in the order expression_units() lists them (the report
// page's copy of the language reads it from its data, so the two cannot drift apart).
[[nodiscard]] std::vector<std::pair<std::string, double>> expression_unit_table();

}  // namespace moesim
