// moesim report: the project's expression language (analysis/sweep_expr.cpp), the same grammar,
// checks, values and messages, for the sweep page's filter box. The units and their SI factors
// come from the page's data (expression_unit_table), not from this file.
//   or     := and ('||' and)*
//   and    := cmp ('&&' cmp)*
//   cmp    := sum [cmpop sum]
//   sum    := term (('+' | '-') term)*
//   term   := factor (('*' | '/') factor)*
//   factor := '-' factor | number [unit] | text | name | '(' or ')'
// Node ops: 'n' number, 't' text, 'v' name, 'u' unary minus, + - * /, comparisons '<' '>'
// 'l' (<=) 'g' (>=) '=' (==) '!' (!=), '&' (&&), '|' (||); and 'f', the name fits_memory where
// options.fitsMemory is set (a comparison of its own: the point ran, status ok).

// An error of the language: the message ends "at column N" (1-based) when the column is known.
function ExpressionError(message, column) {
  this.message = message;
  this.column = column;
}

// units: [[name, SI factor], ...] (the first of a name counts); unitsText: the list for messages.
function ExprUnits(units, unitsText) {
  this.factor = {};
  for (var i = 0; i < units.length; i++) {
    if (!Object.prototype.hasOwnProperty.call(this.factor, units[i][0])) {
      this.factor[units[i][0]] = units[i][1];
    }
  }
  this.text = unitsText;
}

function exprIsComparisonOp(op) {
  return op === "<" || op === ">" || op === "l" || op === "g" || op === "=" || op === "!" ||
         op === "f";
}
function exprIsBooleanOp(op) { return exprIsComparisonOp(op) || op === "&" || op === "|"; }
function exprSpace(c) {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\v" || c === "\f";
}
function exprDigit(c) { return c >= "0" && c <= "9"; }
function exprAlpha(c) { return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z"); }
function exprWordChar(c) { return exprAlpha(c) || exprDigit(c) || c === "_"; }

// The longest prefix of s from `at` that C's strtod reads as a decimal or hexadecimal number:
// {length, value}; length 0 when there is none.
function exprScanNumber(s, at) {
  var i = at, hex = s[i] === "0" && (s[i + 1] === "x" || s[i + 1] === "X");
  function hexDigit(c) { return exprDigit(c) || (c >= "a" && c <= "f") || (c >= "A" && c <= "F"); }
  if (hex) {
    var j = i + 2, mant = 0, digits = 0, scale = 0;
    for (; j < s.length && hexDigit(s[j]); j++, digits++) mant = mant * 16 + parseInt(s[j], 16);
    if (s[j] === ".") {
      for (j++; j < s.length && hexDigit(s[j]); j++, digits++) {
        mant = mant * 16 + parseInt(s[j], 16);
        scale -= 4;
      }
    }
    if (digits > 0) {
      var exp = 0;
      if (s[j] === "p" || s[j] === "P") {
        var k = j + 1, sign = 1;
        if (s[k] === "+" || s[k] === "-") { sign = s[k] === "-" ? -1 : 1; k++; }
        if (exprDigit(s[k])) {
          for (; k < s.length && exprDigit(s[k]); k++) exp = exp * 10 + Number(s[k]);
          exp *= sign;
          j = k;
        }
      }
      return { length: j - at, value: mant * Math.pow(2, scale + exp) };
    }
    return { length: 1, value: 0 };  // "0x" without hex digits: the 0
  }
  var m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(s.slice(at));
  if (!m) return { length: 0, value: 0 };
  return { length: m[0].length, value: Number(m[0]) };
}

function ExprParser(text, units, options) {
  this.s = text;
  this.pos = 0;
  this.nodes = [];
  this.names = [];
  this.units = units;
  this.options = options || {};
}

ExprParser.prototype.failAt = function (col, what) {
  throw new ExpressionError(what + " at column " + col, col);
};
ExprParser.prototype.fail = function (what) { this.failAt(this.pos + 1, what); };
ExprParser.prototype.skip = function () {
  while (this.pos < this.s.length && exprSpace(this.s[this.pos])) this.pos++;
};
ExprParser.prototype.add = function (n) {
  this.nodes.push(n);
  return this.nodes.length - 1;
};
ExprParser.prototype.boolean = function (i) { return exprIsBooleanOp(this.nodes[i].op); };
ExprParser.prototype.isText = function (i) { return this.nodes[i].op === "t"; };
ExprParser.prototype.binary = function (op, lhs, rhs, col) {
  return this.add({ op: op, lhs: lhs, rhs: rhs, column: col });
};
ExprParser.prototype.needNumber = function (operand, op, col) {
  if (this.boolean(operand)) this.failAt(col, "'" + op + "' needs a value, not a comparison");
  if (this.isText(operand)) this.failAt(col, "'" + op + "' needs a number, not text");
};
ExprParser.prototype.comparison = function () {
  var ops = [["<=", "l"], [">=", "g"], ["==", "="], ["!=", "!"], ["<", "<"], [">", ">"]];
  for (var i = 0; i < ops.length; i++) {
    if (this.s.substr(this.pos, ops[i][0].length) === ops[i][0]) {
      this.pos += ops[i][0].length;
      return { op: ops[i][1], spelled: ops[i][0] };
    }
  }
  return null;
};
ExprParser.prototype.run = function () {
  this.skip();
  var root = this.logical("|", "||");
  this.skip();
  if (this.pos < this.s.length) this.fail("unexpected '" + this.s[this.pos] + "'");
  return root;
};
ExprParser.prototype.logical = function (op, spelled) {
  var self = this;
  function operand() { return op === "|" ? self.logical("&", "&&") : self.compare(); }
  var lhs = operand();
  for (this.skip(); this.s.substr(this.pos, 2) === spelled; this.skip()) {
    var col = this.pos + 1;
    this.pos += 2;
    var rhs = operand();
    [lhs, rhs].forEach(function (side) {
      if (!self.boolean(side)) {
        self.failAt(col, "'" + spelled + "' joins comparisons such as 'a <= 1'");
      }
    });
    lhs = this.binary(op, lhs, rhs, col);
  }
  return lhs;
};
ExprParser.prototype.compare = function () {
  this.skip();
  var lhs = this.sum();
  this.skip();
  var col = this.pos + 1;
  var c = this.comparison();
  if (c === null) {
    if (this.pos < this.s.length && this.s[this.pos] === "=") {
      this.fail("'=' is not a comparison (use '==')");
    }
    return lhs;
  }
  var rhs = this.sum();
  var sides = [lhs, rhs];
  for (var i = 0; i < 2; i++) {
    if (this.boolean(sides[i])) {
      this.failAt(col, "'" + c.spelled + "' compares values, not comparisons");
    }
    if (this.isText(sides[i]) && c.op !== "=" && c.op !== "!") {
      this.failAt(col, "'" + c.spelled + "' needs numbers; text is compared with == or !=");
    }
  }
  return this.binary(c.op, lhs, rhs, col);
};
ExprParser.prototype.arith = function (ops, next) {
  var lhs = next.call(this);
  for (this.skip(); this.pos < this.s.length && ops.indexOf(this.s[this.pos]) >= 0;
       this.skip()) {
    var op = this.s[this.pos];
    var col = ++this.pos;
    var rhs = next.call(this);
    this.needNumber(lhs, op, col);
    this.needNumber(rhs, op, col);
    lhs = this.binary(op, lhs, rhs, col);
  }
  return lhs;
};
ExprParser.prototype.sum = function () { return this.arith("+-", this.term); };
ExprParser.prototype.term = function () { return this.arith("*/", this.factor); };
ExprParser.prototype.factor = function () {
  this.skip();
  if (this.pos >= this.s.length) this.fail("expected a number, a name or '(' but the expression ended");
  var c = this.s[this.pos], col = this.pos + 1;
  if (c === "-") {
    this.pos++;
    var inner = this.factor();
    this.needNumber(inner, "-", col);
    return this.binary("u", inner, -1, col);
  }
  if (c === "(") {
    this.pos++;
    var sub = this.logical("|", "||");
    this.skip();
    if (this.pos >= this.s.length || this.s[this.pos] !== ")") this.fail("expected ')'");
    this.pos++;
    return sub;
  }
  if (c === "'" || c === '"') return this.quoted(col);
  if (exprDigit(c) || c === ".") return this.number(col);
  if (exprAlpha(c) || c === "_") return this.name(col);
  this.fail("expected a number, a name or '('");
};
ExprParser.prototype.quoted = function (col) {
  var quote = this.s[this.pos], close = this.s.indexOf(quote, this.pos + 1);
  if (close < 0) this.fail("text opened with " + quote + " is not closed");
  var n = { op: "t", name: this.s.slice(this.pos + 1, close), column: col };
  this.pos = close + 1;
  return this.add(n);
};
ExprParser.prototype.number = function (col) {
  var r = exprScanNumber(this.s, this.pos);
  var v = r.value;
  // strtod's ERANGE: out of range, or too small for a normal double.
  var tiny = v !== 0 && Math.abs(v) < 2.2250738585072014e-308;
  var lost = v === 0 && /[1-9]/.test(this.s.substr(this.pos, r.length).split(/[eEpP]/)[0]);
  if (r.length === 0 || !isFinite(v) || tiny || lost) this.fail("bad number");
  this.pos += r.length;
  v *= this.unit();
  if (!isFinite(v)) this.failAt(col, "number out of range");
  return this.add({ op: "n", number: v, column: col });
};
// The longest known unit right after a number that no letter, digit, '_' or '.' follows; a
// letter with no unit is an error, a '/' with no unit a division ("8/deployment.tp").
ExprParser.prototype.unit = function () {
  var s = this.s, pos = this.pos;
  if (pos >= s.length || !(exprAlpha(s[pos]) || s[pos] === "/")) return 1;
  var run = pos;
  while (run < s.length && (exprAlpha(s[run]) || s[run] === "/")) run++;
  for (var end = run; end > pos; end--) {
    if (end < s.length && (exprWordChar(s[end]) || s[end] === ".")) continue;
    var name = s.slice(pos, end);
    if (Object.prototype.hasOwnProperty.call(this.units.factor, name)) {
      this.pos = end;
      return this.units.factor[name];
    }
  }
  if (s[pos] === "/") return 1;
  var word = pos;
  while (word < s.length && (exprWordChar(s[word]) || s[word] === "/")) word++;
  this.fail("unknown unit '" + s.slice(pos, word) + "' (units: " + this.units.text + ")");
};
ExprParser.prototype.name = function (col) {
  var start = this.pos, s = this.s;
  while (this.pos < s.length && (exprWordChar(s[this.pos]) || s[this.pos] === ".")) {
    if (s[this.pos] === "." && (this.pos + 1 >= s.length || !exprWordChar(s[this.pos + 1]))) {
      this.pos++;
      this.fail("a name cannot end with '.'");
    }
    this.pos++;
  }
  var name = s.slice(start, this.pos);
  if (this.options.fitsMemory && name === "fits_memory") {
    return this.add({ op: "f", name: name, column: col });
  }
  if (this.names.indexOf(name) < 0) this.names.push(name);
  return this.add({ op: "v", name: name, column: col });
};

// A parsed expression. parseExpression throws ExpressionError. options.fitsMemory: the name
// fits_memory is the comparison "the point ran" (as moesim select's constraint of that name).
function Expression(text, nodes, root, names) {
  this.text = text;
  this.nodes = nodes;
  this.root = root;
  this.names = names;
}
function parseExpression(text, units, options) {
  var p = new ExprParser(text, units, options);
  var root = p.run();
  return new Expression(text, p.nodes, root, p.names);
}

Expression.prototype.columnOf = function (name) {
  var best = 0;
  this.nodes.forEach(function (n) {
    if (n.op === "v" && n.name === name && (best === 0 || n.column < best)) best = n.column;
  });
  return best;
};
Expression.prototype.isComparison = function () {
  return this.root >= 0 && exprIsBooleanOp(this.nodes[this.root].op);
};

// The value. lookup(name) returns a number or a string (text); it throws
// new ExpressionError(message, 0) for a name it does not know (the column is added here).
// fitsMemory() answers the name fits_memory when parsed with that option.
Expression.prototype.evaluate = function (lookup, fitsMemory) {
  var v = this.eval(this.root, lookup, fitsMemory);
  if (typeof v === "string") {
    throw new ExpressionError("the expression is text ('" + v + "'), not a number", 1);
  }
  return v;
};
Expression.prototype.numberOf = function (i, lookup, fitsMemory) {
  var v = this.eval(i, lookup, fitsMemory);
  if (typeof v !== "string") return v;
  var n = this.nodes[i];
  throw new ExpressionError("'" + n.name + "' is '" + v + "', not a number at column " +
                            n.column, n.column);
};
Expression.prototype.eval = function (i, lookup, fitsMemory) {
  var n = this.nodes[i], self = this;
  function num(k) { return self.numberOf(k, lookup, fitsMemory); }
  switch (n.op) {
    case "n": return n.number;
    case "t": return n.name;
    case "f": return fitsMemory() ? 1 : 0;
    case "v":
      try {
        return lookup(n.name);
      } catch (e) {
        if (!(e instanceof ExpressionError) || e.column !== 0) throw e;
        throw new ExpressionError(e.message + " at column " + n.column, n.column);
      }
    case "u": return -num(n.lhs);
    case "&": return num(n.lhs) !== 0 && num(n.rhs) !== 0 ? 1 : 0;
    case "|": return num(n.lhs) !== 0 || num(n.rhs) !== 0 ? 1 : 0;
    default: break;
  }
  if (n.op === "=" || n.op === "!") {
    var a = this.eval(n.lhs, lookup, fitsMemory), b = this.eval(n.rhs, lookup, fitsMemory);
    var equal;
    if (typeof a === "string" || typeof b === "string") {
      equal = (typeof a === "string" ? a : formatSweepNumber(a)) ===
              (typeof b === "string" ? b : formatSweepNumber(b));
    } else {
      equal = Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
    }
    return equal === (n.op === "=") ? 1 : 0;
  }
  var x = num(n.lhs), y = num(n.rhs);
  switch (n.op) {
    case "+": return x + y;
    case "-": return x - y;
    case "*": return x * y;
    case "/":
      if (y === 0) throw new ExpressionError("division by zero at column " + n.column, n.column);
      return x / y;
    case "<": return x < y ? 1 : 0;
    case ">": return x > y ? 1 : 0;
    case "l": return x <= y ? 1 : 0;
    case "g": return x >= y ? 1 : 0;
    default: throw new ExpressionError("internal: unknown operator", n.column);
  }
};

// format_sweep_number: an integral value as an integer, otherwise the shortest digits that read
// back to the same double, in the shorter of the fixed and the scientific form (fixed on a tie),
// as C++'s std::to_chars writes them ("0.5", "1e-07").
function formatSweepNumber(v) {
  if (!isFinite(v)) return "null";
  if (v === Math.floor(v) && Math.abs(v) < 9.007199254740992e15) return (v === 0 ? 0 : v).toFixed(0);
  var m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(v.toExponential());
  var sign = m[1], digits = m[2] + (m[3] || ""), e = Number(m[4]);
  var exp = String(Math.abs(e));
  var sci = sign + m[2] + (m[3] ? "." + m[3] : "") + "e" + (e < 0 ? "-" : "+") +
            (exp.length < 2 ? "0" : "") + exp;
  var fixed;
  if (e < 0) {
    fixed = "0." + new Array(-e).join("0") + digits;
  } else if (e + 1 >= digits.length) {
    fixed = digits + new Array(e + 2 - digits.length).join("0");
  } else {
    fixed = digits.slice(0, e + 1) + "." + digits.slice(e + 1);
  }
  fixed = sign + fixed;
  return fixed.length <= sci.length ? fixed : sci;
}

// parse_sweep_number: a whole string read as a finite decimal number; null for anything else.
function parseSweepNumber(text) {
  if (typeof text !== "string" || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    return null;
  }
  var v = Number(text);
  return isFinite(v) ? v : null;
}
