// moesim report: the sweep page (moesim select's table, the interactive Pareto chart).
//
// The filter box: comparisons joined by "&&", each COLUMN OP VALUE with OP one of
// <= < >= > == != (a number, or text for == and != against a knob or the status), or
// "fits_memory" (status ok). A point without a value in a compared column fails it. Points that
// fail are drawn grey; the chart keeps one mark per sweep point.

var MARK_COLOUR = "#0072B2", FRONT_COLOUR = "#D55E00";

function parseFilter(text, known) {
  var tests = [];
  var parts = text.split("&&");
  if (text.trim() === "") return { tests: tests };
  for (var i = 0; i < parts.length; i++) {
    var p = parts[i].trim();
    if (p === "fits_memory") {
      tests.push({ column: "status", op: "==", value: "ok", text: p });
      continue;
    }
    var m = /^([^<>=!\s]+)\s*(<=|>=|==|!=|<|>)\s*(.+)$/.exec(p);
    if (!m) {
      return { error: "'" + p + "': expected COLUMN OP VALUE (OP: <= < >= > == !=) or " +
               "fits_memory, comparisons joined by &&" };
    }
    var value = m[3].trim(), num = Number(value);
    var isNum = value !== "" && isFinite(num);
    if (known.indexOf(m[1]) < 0) return { error: "'" + p + "': no column '" + m[1] + "'" };
    if (!isNum && m[2] !== "==" && m[2] !== "!=") {
      return { error: "'" + p + "': " + m[2] + " needs a number" };
    }
    tests.push({ column: m[1], op: m[2], value: isNum ? num : value, text: p });
  }
  return { tests: tests };
}

function cellOf(data, point, column) {
  var n = data.numeric.indexOf(column);
  if (n >= 0 && point.values[n] !== null) return point.values[n];
  var k = data.knobs.indexOf(column);
  if (k >= 0) return point.knobs[k];
  if (column === "status") return point.status;
  return null;
}

function passes(data, point, tests) {
  return tests.every(function (t) {
    var v = cellOf(data, point, t.column);
    if (v === null || v === "null" || v === "") return false;
    if (typeof t.value === "number") {
      var x = Number(v);
      if (typeof v !== "number" && !isFinite(x)) return false;
      switch (t.op) {
        case "<=": return x <= t.value;
        case "<": return x < t.value;
        case ">=": return x >= t.value;
        case ">": return x > t.value;
        case "==": return x === t.value;
        default: return x !== t.value;
      }
    }
    return t.op === "==" ? String(v) === t.value : String(v) !== t.value;
  });
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

function drawPareto(root, data) {
  var s = section(root, "Pareto chart");
  var controls = el("div", "controls");
  var xdef = data.numeric.indexOf(data.front_x) >= 0 ? data.front_x : data.numeric[0];
  var ydef = data.numeric.indexOf(data.front_y) >= 0 ? data.front_y
           : data.numeric[Math.min(1, data.numeric.length - 1)];
  controls.appendChild(axisSelect("x-axis", "x", data.numeric, xdef));
  controls.appendChild(axisSelect("y-axis", "y", data.numeric, ydef));
  var logx = el("label", "", " log x");
  var logxBox = el("input");
  logxBox.type = "checkbox";
  logxBox.id = "log-x";
  logx.insertBefore(logxBox, logx.firstChild);
  var logy = el("label", "", " log y");
  var logyBox = el("input");
  logyBox.type = "checkbox";
  logyBox.id = "log-y";
  logy.insertBefore(logyBox, logy.firstChild);
  controls.appendChild(logx);
  controls.appendChild(logy);
  s.appendChild(controls);
  var fcontrols = el("div", "controls");
  var flabel = el("label", "", "filter ");
  var filter = el("input");
  filter.type = "text";
  filter.id = "filter";
  filter.value = data.filter;
  filter.placeholder = "tpot_s.p90<=0.05 && ttft_s.p99<0.5";
  flabel.appendChild(filter);
  fcontrols.appendChild(flabel);
  var message = el("span");
  message.id = "filter-message";
  fcontrols.appendChild(message);
  s.appendChild(fcontrols);
  var box = el("div");
  box.id = "pareto-box";
  s.appendChild(box);
  var known = data.numeric.concat(data.knobs).concat(["status"]);
  var tests = [];

  function draw() {
    var xcol = document.getElementById("x-axis").value;
    var ycol = document.getElementById("y-axis").value;
    var xlog = logxBox.checked, ylog = logyBox.checked;
    var parsed = parseFilter(filter.value, known);
    if (parsed.error) {
      message.textContent = parsed.error;
      message.className = "bad";
    } else {
      tests = parsed.tests;
    }
    var placed = [], missing = [];
    data.points.forEach(function (p, i) {
      var x = cellOf(data, p, xcol), y = cellOf(data, p, ycol);
      var ok = typeof x === "number" && typeof y === "number" && (!xlog || x > 0) &&
               (!ylog || y > 0);
      (ok ? placed : missing).push({ p: p, i: i, x: x, y: y });
    });
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
    var passing = 0;
    var marks = [];
    function mark(q, cx, cy, na) {
      var pass = passes(data, q.p, tests);
      if (pass) passing += 1;
      var cls = "pt" + (pass ? "" : " fail") + (q.p.pareto ? " front" : "") + (na ? " na" : "");
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
                   { label: "Pareto front (select)", colour: FRONT_COLOUR, kind: "ring" }];
    legend(f, entries);
    box.innerHTML = frameSvg(f);
    if (!parsed.error) {
      message.className = "";
      message.textContent = passing + " of " + data.points.length + " points meet the filter" +
        (missing.length ? "; " + missing.length + " without a value on these axes, in the row " +
         "under the chart" : "");
    }
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
  ["x-axis", "y-axis", "log-x", "log-y"].forEach(function (id) {
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
