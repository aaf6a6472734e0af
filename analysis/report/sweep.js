// moesim report: the sweep page (moesim select's table, the interactive Pareto chart).
//
// The filter box reads what moesim select's --constraint reads, in the project's expression
// language (expr.js): comparisons with units, quoted text, arithmetic, && and ||, or
// "fits_memory" (the point ran); a plain "COLUMN == WORD" compares text. A point fails when a
// column the filter reads has no value there (null) or the filter cannot be evaluated on it (a
// division by zero). Points that fail are drawn grey; the chart keeps one mark per sweep point.
// The front (rings and a step line) is the non-dominated set of the points that ran and meet
// the filter, on the chosen axes and their "lower is better" boxes. A test or a link may set
// the controls with the page address's #fragment: x=COLUMN&y=COLUMN&x-lower=1&y-lower=0&filter=TEXT.

var MARK_COLOUR = "#0072B2", FRONT_COLOUR = "#D55E00";

// No value at a point (null in results.csv): the point fails the filter.
function NoValue() {}

// select's plain form: "COLUMN == WORD" or "!=" whose WORD is not a number compares text.
function plainTextFilter(text, units) {
  var m = /^(\s*[A-Za-z_][A-Za-z0-9_.]*\s*(?:==|!=)\s*)([^\s'"()&|]+)(\s*)$/.exec(text);
  if (!m) return text;
  try {
    var v = parseExpression(m[2], units);
    if (v.names.length === 0 && !v.isComparison()) return text;
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
  }
  return m[1] + "'" + m[2] + "'" + m[3];
}

// The filter box's text: {test(point) -> bool} or {error, column}.
function compileFilter(text, data, units) {
  if (text.trim() === "") return { test: function () { return true; } };
  var expr;
  try {
    expr = parseExpression(plainTextFilter(text, units), units, { fitsMemory: true });
    if (!expr.isComparison()) {
      var first = text.length - text.replace(/^\s+/, "").length + 1;
      throw new ExpressionError("expected a comparison such as 'tpot_s.p90 <= 50ms' (or " +
        "several joined with && and ||), or fits_memory at column " + first, first);
    }
    expr.names.forEach(function (n) {
      if (!isColumn(data, n)) {
        var col = expr.columnOf(n);
        throw new ExpressionError("unknown column '" + n + "' at column " + col, col);
      }
    });
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    return { error: e.message, column: e.column };
  }
  return {
    test: function (point) {
      // As select: a null in any column the filter reads fails it, whatever || would say.
      for (var i = 0; i < expr.names.length; i++) {
        var cell = cellOf(data, point, expr.names[i]);
        if (cell === null || cell === "null") return false;
      }
      try {
        return expr.evaluate(function (name) {
          var v = cellOf(data, point, name);
          if (v === null || v === "null" || v === "") throw new NoValue();
          if (typeof v === "number") return v;
          var n = parseSweepNumber(v);
          return n === null ? v : n;
        }, function () { return point.status === "ok"; }) !== 0;
      } catch (e) {
        if (e instanceof NoValue || e instanceof ExpressionError) return false;
        throw e;
      }
    }
  };
}

function isColumn(data, column) {
  return data.numeric.indexOf(column) >= 0 || data.knobs.indexOf(column) >= 0 ||
         column === "status" || column === "index";
}

function cellOf(data, point, column) {
  var n = data.numeric.indexOf(column);
  if (n >= 0 && point.values[n] !== null) return point.values[n];
  var k = data.knobs.indexOf(column);
  if (k >= 0) return point.knobs[k];
  if (column === "status") return point.status;
  if (column === "index") return point.index;
  return null;
}

// The controls the page address's #fragment sets (x, y, x-lower, y-lower, filter).
function hashSettings() {
  var out = {};
  var h = window.location.hash.replace(/^#/, "");
  if (h === "") return out;
  h.split("&").forEach(function (kv) {
    var at = kv.indexOf("=");
    if (at > 0) out[decodeURIComponent(kv.slice(0, at))] = decodeURIComponent(kv.slice(at + 1));
  });
  return out;
}

function drawSelection(root, data) {
  var s = section(root, "Selection (as moesim select)");
  if (!data.has_selection) {
    s.appendChild(el("p", "note", "no point has a value of " + data.objective));
    return;
  }
  var table = el("table");
  table.id = "selection";
  var head = el("tr");
  data.table_header.forEach(function (h) { head.appendChild(el("th", "", h)); });
  table.appendChild(head);
  data.table_rows.forEach(function (row) {
    var tr = el("tr");
    row.forEach(function (c) {
      tr.appendChild(el("td", "num", c));
    });
    table.appendChild(tr);
  });
  s.appendChild(table);
  s.appendChild(el("p", "", data.summary_line + " A '*' after the rank marks the Pareto front of " +
                   data.front_y + " (max) versus 1/" + data.front_x + " (max) among them."));
  var ul = el("ul");
  data.removed.forEach(function (r) {
    ul.appendChild(el("li", "", "removed by " + r[0] + ": " + r[1] +
                      (r[1] === 1 ? " point" : " points")));
  });
  s.appendChild(ul);
}

function axisSelect(id, label, options, chosen) {
  var wrap = el("label", "", label + " ");
  var sel = el("select");
  sel.id = id;
  options.forEach(function (o) {
    var opt = el("option", "", o);
    opt.value = o;
    if (o === chosen) opt.selected = true;
    sel.appendChild(opt);
  });
  wrap.appendChild(sel);
  return wrap;
}

function tooltipText(data, p, xcol, ycol) {
  var lines = ["point " + p.index + " (" + p.status + ")"];
  data.knobs.forEach(function (k, i) { lines.push(k + " = " + p.knobs[i]); });
  lines.push(xcol + " = " + fmt(cellOf(data, p, xcol)));
  lines.push(ycol + " = " + fmt(cellOf(data, p, ycol)));
  return lines.join("\n");
}

function checkbox(id, label, checked) {
  var wrap = el("label", "", " " + label);
  var box = el("input");
  box.type = "checkbox";
  box.id = id;
  box.checked = checked;
  wrap.insertBefore(box, wrap.firstChild);
  return wrap;
}

function drawPareto(root, data) {
  var s = section(root, "Pareto chart");
  var units = new ExprUnits(data.units, data.units_text);
  var asked = hashSettings();
  var controls = el("div", "controls");
  function pick(column, fallback) {
    return data.numeric.indexOf(column) >= 0 ? column : fallback;
  }
  var xdef = pick(data.front_x, data.numeric[0]);
  var ydef = pick(data.front_y, data.numeric[Math.min(1, data.numeric.length - 1)]);
  // select's default front maximises 1 / front_x: lower is better on the front_x column.
  var xlower = xdef === data.front_x, ylower = false;
  controls.appendChild(axisSelect("x-axis", "x", data.numeric, pick(asked.x, xdef)));
  controls.appendChild(checkbox("x-lower", "lower x is better",
                                "x-lower" in asked ? asked["x-lower"] === "1" : xlower));
  controls.appendChild(checkbox("log-x", "log x", false));
  controls.appendChild(axisSelect("y-axis", "y", data.numeric, pick(asked.y, ydef)));
  controls.appendChild(checkbox("y-lower", "lower y is better",
                                "y-lower" in asked ? asked["y-lower"] === "1" : ylower));
  controls.appendChild(checkbox("log-y", "log y", false));
  s.appendChild(controls);
  var fcontrols = el("div", "controls");
  var flabel = el("label", "", "filter ");
  var filter = el("input");
  filter.type = "text";
  filter.id = "filter";
  filter.value = "filter" in asked ? asked.filter : data.filter;
  filter.placeholder = "tpot_s.p90 <= 50ms && ttft_s.p99 < 500ms";
  flabel.appendChild(filter);
  fcontrols.appendChild(flabel);
  s.appendChild(fcontrols);
  var message = el("div");
  message.id = "filter-message";
  s.appendChild(message);
  var box = el("div");
  box.id = "pareto-box";
  s.appendChild(box);
  var frontNote = el("p");
  frontNote.id = "front-note";
  s.appendChild(frontNote);
  var test = function () { return true; };

  function checked(id) { return document.getElementById(id).checked; }

  function draw() {
    var xcol = document.getElementById("x-axis").value;
    var ycol = document.getElementById("y-axis").value;
    var xlog = checked("log-x"), ylog = checked("log-y");
    var xmin = checked("x-lower"), ymin = checked("y-lower");
    var compiled = compileFilter(filter.value, data, units);
    if (compiled.error) {
      // The last good filter stays in force; the message points at the column.
      message.className = "bad";
      message.textContent = "filter: " + compiled.error + "\n  " + filter.value + "\n  " +
        new Array(Math.max(compiled.column, 1)).join(" ") + "^";
    } else {
      test = compiled.test;
    }
    var placed = [], missing = [], candidates = [];
    data.points.forEach(function (p, i) {
      var x = cellOf(data, p, xcol), y = cellOf(data, p, ycol);
      var numbers = typeof x === "number" && typeof y === "number";
      var q = { p: p, i: i, x: x, y: y, pass: test(p) };
      var ok = numbers && (!xlog || x > 0) && (!ylog || y > 0);
      (ok ? placed : missing).push(q);
      if (numbers && q.pass && p.status === "ok") candidates.push(q);
    });
    var front = paretoFront(candidates, xmin, ymin);
    front.forEach(function (q) { q.front = true; });
    var xs = placed.map(function (q) { return q.x; }), ys = placed.map(function (q) { return q.y; });
    var xr = xs.length ? [Math.min.apply(null, xs), Math.max.apply(null, xs)] : [0, 1];
    var yr = ys.length ? [Math.min.apply(null, ys), Math.max.apply(null, ys)] : [0, 1];
    [xr, yr].forEach(function (r, k) {
      if (r[1] === r[0]) {
        var pad = Math.abs(r[0]) > 0 ? Math.abs(r[0]) * 0.1 : 1;
        r[0] = (k === 0 ? xlog : ylog) ? r[0] / 2 : r[0] - pad;
        r[1] = (k === 0 ? xlog : ylog) ? r[1] * 2 : r[1] + pad;
      }
    });
    var f = makeFrame({ width: 1100, height: 560, x: xr, y: yr, xlabel: xcol, ylabel: ycol,
                        xlog: xlog, ylog: ylog, id: "pareto-chart" });
    var drawnFront = front.filter(function (q) {
      return (!xlog || q.x > 0) && (!ylog || q.y > 0);
    });
    if (drawnFront.length > 1) {
      f.parts.push('<path id="front-line" d="' + pathOf(frontSteps(drawnFront, xmin, ymin), f) +
                   '" fill="none" stroke="' + FRONT_COLOUR + '" stroke-width="1.5"/>');
    }
    var passing = 0;
    var marks = [];
    function mark(q, cx, cy, na) {
      if (q.pass) passing += 1;
      var cls = "pt" + (q.pass ? "" : " fail") + (q.front ? " front" : "") + (na ? " na" : "");
      marks.push('<circle class="' + cls + '" data-point="' + q.i + '" cx="' + px(cx) +
                 '" cy="' + px(cy) + '" r="6" fill="' + MARK_COLOUR + '"><title>' +
                 esc(tooltipText(data, q.p, xcol, ycol)) + "</title></circle>");
    }
    placed.forEach(function (q) { mark(q, f.sx(q.x), f.sy(q.y), false); });
    // Points without a value on these axes (not run, undefined statistic, not positive on a
    // log axis) stay one mark each, in a row under the axis labels.
    missing.forEach(function (q, k) {
      mark(q, f.left + 8 + (k % 100) * 10, f.height - 6 - Math.floor(k / 100) * 10, true);
    });
    f.parts = f.parts.concat(marks);
    var entries = [{ label: "meets the filter", colour: MARK_COLOUR, kind: "dot" },
                   { label: "fails the filter", colour: "#c8c8c8", kind: "dot" },
                   { label: "Pareto front", colour: FRONT_COLOUR, kind: "ring" }];
    legend(f, entries);
    box.innerHTML = frameSvg(f);
    if (!compiled.error) {
      message.className = "";
      message.textContent = passing + " of " + data.points.length + " points meet the filter" +
        (missing.length ? "; " + missing.length + " without a value on these axes, in the row " +
         "under the chart" : "");
    }
    frontNote.textContent = "Pareto front of the points that ran and meet the filter, " +
      (xmin ? "lower" : "higher") + " " + xcol + " and " + (ymin ? "lower" : "higher") + " " +
      ycol + " being better: " + (front.length ? "point" + (front.length > 1 ? "s " : " ") +
      front.map(function (q) { return q.p.index; }).join(", ") : "none") + ".";
  }

  var tip = document.getElementById("tooltip");
  box.addEventListener("mousemove", function (ev) {
    var t = ev.target;
    if (!t.classList || !t.classList.contains("pt")) { tip.hidden = true; return; }
    var p = data.points[Number(t.getAttribute("data-point"))];
    tip.textContent = tooltipText(data, p, document.getElementById("x-axis").value,
                                  document.getElementById("y-axis").value);
    tip.style.left = (ev.pageX + 12) + "px";
    tip.style.top = (ev.pageY + 12) + "px";
    tip.hidden = false;
  });
  box.addEventListener("mouseleave", function () { tip.hidden = true; });
  ["x-axis", "y-axis", "log-x", "log-y", "x-lower", "y-lower"].forEach(function (id) {
    document.getElementById(id).addEventListener("change", draw);
  });
  filter.addEventListener("input", draw);
  draw();
}

function drawSweep(root, data) {
  drawSelection(root, data);
  if (data.numeric.length === 0) {
    root.appendChild(el("p", "note", "no numeric column: no chart"));
    return;
  }
  drawPareto(root, data);
}
