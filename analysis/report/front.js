// moesim report: the Pareto front of the sweep chart on its chosen axes and directions.

// The non-dominated members of pts ([{x, y, ...}]), lower being better on x when minX and on y
// when minY: a point is dominated when another is at least as good on both axes and better on
// one; equal points are all kept. Sorting best x first (then best y) and keeping the best y of
// strictly better x gives it in O(n log n). Returns the members by x ascending (then y).
function paretoFront(pts, minX, minY) {
  function gx(p) { return minX ? -p.x : p.x; }  // "goodness": higher is better on both
  function gy(p) { return minY ? -p.y : p.y; }
  var order = pts.slice().sort(function (a, b) {
    return gx(b) - gx(a) || gy(b) - gy(a);
  });
  var front = [], bestBefore = -Infinity;
  for (var i = 0; i < order.length;) {
    var j = i, top = gy(order[i]);  // the group of equal x; its best y comes first
    while (j < order.length && gx(order[j]) === gx(order[i])) j++;
    if (top > bestBefore) {
      for (var k = i; k < j && gy(order[k]) === top; k++) front.push(order[k]);
      bestBefore = top;
    }
    i = j;
  }
  return front.sort(function (a, b) { return a.x - b.x || a.y - b.y; });
}

// The front as a staircase: the members by x ascending, with the corner between two neighbours
// at the worse x and the worse y of the two (the edge of the region the front dominates).
function frontSteps(front, minX, minY) {
  var out = [];
  front.forEach(function (p, i) {
    if (i > 0) {
      var q = front[i - 1];
      var cx = minX ? Math.max(p.x, q.x) : Math.min(p.x, q.x);
      var cy = minY ? Math.max(p.y, q.y) : Math.min(p.y, q.y);
      out.push([cx, cy]);
    }
    out.push([p.x, p.y]);
  });
  return out;
}
