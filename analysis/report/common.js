// moesim report: helpers shared by the run and the sweep pages. Charts are SVG markup strings
// put in place with innerHTML (the HTML parser gives them the SVG namespace). Plain ES5, no
// library, no network.
"use strict";

var PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
  "#000000"];

function esc(s) {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

function el(tag, className, text) {
  var e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function px(v) { return v.toFixed(2); }

// A number for an axis or a tooltip: four significant figures, exponent form outside
// [1e-3, 1e6).
function fmt(v) {
  if (v === null || v === undefined || !isFinite(v)) return "n/a";
  var a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

// The unit that fits durations up to `max` seconds, as the summary prints them.
function durationUnit(max) {
  if (max < 1e-3) return { scale: 1e6, name: "us" };
  if (max < 1) return { scale: 1e3, name: "ms" };
  if (max < 1000) return { scale: 1, name: "s" };
  return { scale: 1 / 60, name: "min" };
}

// Integer multiples of a 1, 2 or 5 x 10^k step covering [lo, hi], about `n` of them.
function niceTicks(lo, hi, n) {
  if (!(hi > lo)) { hi = lo + 1; }
  var raw = (hi - lo) / n, mag = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10));
  var step = 10 * mag;
  [5, 2, 1].forEach(function (m) { if (m * mag >= raw * 0.9999999) step = m * mag; });
  var first = Math.floor(lo / step), last = Math.ceil(hi / step), ticks = [];
  for (var i = first; i <= last; i++) ticks.push(i * step);
  return ticks;
}

// Powers of ten covering [lo, hi] (both > 0).
function logTicks(lo, hi) {
  var a = Math.floor(Math.log(lo) / Math.LN10), b = Math.ceil(Math.log(hi) / Math.LN10), t = [];
  if (a === b) b = a + 1;
  for (var i = a; i <= b; i++) t.push(Math.pow(10, i));
  return t;
}

// A plot frame: axes, grid, tick labels and axis labels. opts: width, height, x: [lo, hi],
// y: [lo, hi], xlabel, ylabel, xlog, ylog, id. Returns {sx, sy, parts, left, right, top,
// bottom}; finish with frameSvg(frame).
function makeFrame(opts) {
  var f = { parts: [], left: 64, right: opts.width - 16, top: 28, bottom: opts.height - 44 };
  function ends(r, log) {
    var lo = r[0], hi = r[1];
    if (log) {
      var t = logTicks(lo, hi);
      return { ticks: t, lo: t[0], hi: t[t.length - 1] };
    }
    var tk = niceTicks(lo, hi, 6);
    return { ticks: tk, lo: tk[0], hi: tk[tk.length - 1] };
  }
  var ex = ends(opts.x, opts.xlog), ey = ends(opts.y, opts.ylog);
  function map(v, e, log, a, b) {
    var t = log ? (Math.log(v) - Math.log(e.lo)) / (Math.log(e.hi) - Math.log(e.lo))
                : (v - e.lo) / (e.hi - e.lo);
    return a + t * (b - a);
  }
  f.sx = function (v) { return map(v, ex, opts.xlog, f.left, f.right); };
  f.sy = function (v) { return map(v, ey, opts.ylog, f.bottom, f.top); };
  if (opts.title) {
    f.parts.push('<text x="' + px(f.left) + '" y="16" font-weight="bold">' + esc(opts.title) +
                 "</text>");
  }
  ex.ticks.forEach(function (t) {
    var x = px(f.sx(t));
    f.parts.push('<line class="grid" x1="' + x + '" x2="' + x + '" y1="' + f.top + '" y2="' +
                 f.bottom + '"/>');
    f.parts.push('<text x="' + x + '" y="' + (f.bottom + 14) + '" text-anchor="middle">' +
                 esc(fmt(t)) + "</text>");
  });
  ey.ticks.forEach(function (t) {
    var y = px(f.sy(t));
    f.parts.push('<line class="grid" x1="' + f.left + '" x2="' + f.right + '" y1="' + y +
                 '" y2="' + y + '"/>');
    f.parts.push('<text x="' + (f.left - 4) + '" y="' + y + '" dy="4" text-anchor="end">' +
                 esc(fmt(t)) + "</text>");
  });
  f.parts.push('<line class="axis" x1="' + f.left + '" x2="' + f.right + '" y1="' + f.bottom +
               '" y2="' + f.bottom + '"/>');
  f.parts.push('<line class="axis" x1="' + f.left + '" x2="' + f.left + '" y1="' + f.top +
               '" y2="' + f.bottom + '"/>');
  f.parts.push('<text x="' + px((f.left + f.right) / 2) + '" y="' + (f.bottom + 32) +
               '" text-anchor="middle">' + esc(opts.xlabel) + "</text>");
  f.parts.push('<text transform="translate(14,' + px((f.top + f.bottom) / 2) +
               ') rotate(-90)" text-anchor="middle">' + esc(opts.ylabel) + "</text>");
  f.width = opts.width;
  f.height = opts.height;
  f.id = opts.id || "";
  return f;
}

function frameSvg(f) {
  return '<svg class="chart" id="' + esc(f.id) + '" width="' + f.width + '" height="' +
         f.height + '" viewBox="0 0 ' + f.width + " " + f.height + '">' + f.parts.join("") +
         "</svg>";
}

// A legend box at the frame's top right: entries [{label, colour, kind: "line" | "area" |
// "dot"}].
function legend(f, entries) {
  var x = f.right - 150, y = f.top + 6;
  f.parts.push('<rect x="' + (x - 6) + '" y="' + (y - 4) + '" width="152" height="' +
               (entries.length * 15 + 6) + '" fill="white" fill-opacity="0.85" stroke="#ccc"/>');
  entries.forEach(function (e, i) {
    var yy = y + i * 15 + 6;
    if (e.kind === "line") {
      f.parts.push('<line x1="' + x + '" x2="' + (x + 16) + '" y1="' + yy + '" y2="' + yy +
                   '" stroke="' + e.colour + '" stroke-width="2.5"' +
                   (e.dash ? ' stroke-dasharray="4 3"' : "") + "/>");
    } else if (e.kind === "ring") {
      f.parts.push('<circle cx="' + (x + 8) + '" cy="' + yy + '" r="5" fill="white" stroke="' +
                   e.colour + '" stroke-width="2.5"/>');
    } else if (e.kind === "dot") {
      f.parts.push('<circle cx="' + (x + 8) + '" cy="' + yy + '" r="5" fill="' + e.colour +
                   '"/>');
    } else {
      f.parts.push('<rect x="' + x + '" y="' + (yy - 5) + '" width="16" height="10" fill="' +
                   e.colour + '" fill-opacity="0.85"/>');
    }
    f.parts.push('<text x="' + (x + 22) + '" y="' + (yy + 4) + '">' + esc(e.label) + "</text>");
  });
}

function pathOf(points, f) {
  return points.map(function (p, i) {
    return (i === 0 ? "M" : "L") + px(f.sx(p[0])) + "," + px(f.sy(p[1]));
  }).join("");
}

function section(root, title) {
  var s = el("section");
  s.appendChild(el("h2", "", title));
  root.appendChild(s);
  return s;
}
