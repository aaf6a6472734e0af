// The browser test's corpus run (expr_page.py puts it into a copy of a sweep report page, after
// the page's own script): evaluates each expression of the corpus in #expr-corpus against its
// row with the page's parseExpression, the units taken from the page's data, and writes one
// line per expression into #expr-results, as test_sweep_expr_corpus.cpp writes them.
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var units = new ExprUnits(data.units, data.units_text);
  var row = {}, expressions = [];
  document.getElementById("expr-corpus").textContent.split("\n").forEach(function (line) {
    if (line === "" || line[0] === "#") return;
    if (line.indexOf("@ ") !== 0) { expressions.push(line); return; }
    var eq = line.indexOf(" = "), name = line.slice(2, eq), value = line.slice(eq + 3);
    row[name] = value[0] === "'" ? value.slice(1, -1) : parseSweepNumber(value);
  });
  var lines = expressions.map(function (text) {
    try {
      var v = parseExpression(text, units).evaluate(function (name) {
        if (!Object.prototype.hasOwnProperty.call(row, name)) {
          throw new ExpressionError("unknown name '" + name + "'", 0);
        }
        return row[name];
      });
      return "value " + String(v);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      return "error " + e.column + " " + e.message;
    }
  });
  var out = document.createElement("pre");
  out.id = "expr-results";
  out.textContent = lines.join("\n") + "\n";
  document.body.appendChild(out);
})();
