// moesim report: the run page (summary, latency CDFs, step time breakdown, KV-cache usage).

var CDF_COLOURS = { TTFT: "#E69F00", TPOT: "#009E73", E2E: "#CC79A7" };

function drawSummary(root, data) {
  var s = section(root, "Summary");
  var box = el("div", "summary");
  box.id = "summary";
  data.summary.forEach(function (kv) {
    var row = el("div");
    row.appendChild(el("span", "k", kv[0]));
    row.appendChild(el("span", "v", kv[1]));
    box.appendChild(row);
  });
  s.appendChild(box);
}

function drawCdfs(root, data) {
  var s = section(root, "Latency CDFs (completed requests)");
  var box = el("div", "charts");
  var html = "";
  data.cdfs.forEach(function (c) {
    var colour = CDF_COLOURS[c.name] || PALETTE[0];
    if (c.points.length === 0) {
      box.appendChild(el("p", "note", c.name + ": no sample"));
      return;
    }
    var lo = c.points[0][0], hi = c.points[c.points.length - 1][0];
    var u = durationUnit(hi);
    var pts = c.points.map(function (p) { return [p[0] * u.scale, p[1]]; });
    var f = makeFrame({ width: 370, height: 280, x: [lo * u.scale, hi * u.scale], y: [0, 1],
                        xlabel: c.name + " (" + u.name + ")", ylabel: "share of requests",
                        title: c.name, id: "cdf-" + c.name.toLowerCase() });
    f.parts.push('<path class="cdf" d="' + pathOf(pts, f) + '" fill="none" stroke="' + colour +
                 '" stroke-width="2.5"/>');
    html += frameSvg(f);
  });
  box.innerHTML += html;
  s.appendChild(box);
}

function drawSteps(root, data) {
  var st = data.steps;
  var s = section(root, "Step time over simulated time (mean per step, stacked)");
  if (st.t.length === 0) {
    s.appendChild(el("p", "note", "no steps"));
    return;
  }
  var top = 0;
  st.mean.forEach(function (m, i) {
    var sum = m.reduce(function (a, b) { return a + b; }, 0);
    top = Math.max(top, sum, st.duration[i]);
  });
  var u = durationUnit(top);
  var t0 = st.t[0], t1 = st.t[st.t.length - 1];
  var f = makeFrame({ width: 1100, height: 340, x: [t0, t1 > t0 ? t1 : t0 + 1],
                      y: [0, top * u.scale], xlabel: "simulated time (s)",
                      ylabel: "time per step (" + u.name + ")", id: "steps-chart" });
  var lower = st.t.map(function () { return 0; });
  var entries = [];
  st.components.forEach(function (name, c) {
    var upper = lower.map(function (v, i) { return v + st.mean[i][c] * u.scale; });
    var any = upper.some(function (v, i) { return v > lower[i]; });
    if (any) {
      var colour = PALETTE[c % PALETTE.length];
      var pts = st.t.map(function (t, i) { return [t, upper[i]]; });
      var back = st.t.map(function (t, i) { return [t, lower[i]]; }).reverse();
      f.parts.push('<path class="area" d="' + pathOf(pts.concat(back), f) + 'Z" fill="' +
                   colour + '" fill-opacity="0.85" stroke="none"/>');
      entries.push({ label: name, colour: colour, kind: "area" });
    }
    lower = upper;
  });
  var dur = st.t.map(function (t, i) { return [t, st.duration[i] * u.scale]; });
  f.parts.push('<path d="' + pathOf(dur, f) + '" fill="none" stroke="#000" stroke-width="1" ' +
               'stroke-dasharray="4 3"/>');
  entries.push({ label: "step duration", colour: "#000", kind: "line", dash: true });
  legend(f, entries);
  var box = el("div");
  box.innerHTML = frameSvg(f);
  s.appendChild(box);
}

function drawKv(root, data) {
  var st = data.steps;
  var s = section(root, "KV-cache usage over simulated time (highest per span)");
  if (st.t.length === 0) {
    s.appendChild(el("p", "note", "no steps"));
    return;
  }
  var share = data.kv_is_share;
  var vals = st.kv.map(function (v) { return share ? v * 100 : v; });
  var max = Math.max.apply(null, vals.concat([share ? 1 : 1]));
  var t0 = st.t[0], t1 = st.t[st.t.length - 1];
  var f = makeFrame({ width: 1100, height: 260, x: [t0, t1 > t0 ? t1 : t0 + 1], y: [0, max],
                      xlabel: "simulated time (s)",
                      ylabel: share ? "KV blocks in use (% of capacity)" : "KV blocks in use",
                      id: "kv-chart" });
  var pts = st.t.map(function (t, i) { return [t, vals[i]]; });
  f.parts.push('<path d="' + pathOf(pts, f) + '" fill="none" stroke="#0072B2" ' +
               'stroke-width="2"/>');
  var box = el("div");
  box.innerHTML = frameSvg(f);
  s.appendChild(box);
}

function drawRun(root, data) {
  drawSummary(root, data);
  data.notes.forEach(function (n) { root.appendChild(el("p", "note", n)); });
  if (data.cdfs.length) drawCdfs(root, data);
  if (data.has_steps) {
    drawSteps(root, data);
    drawKv(root, data);
  }
}
