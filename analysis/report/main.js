// moesim report: reads the data blob and draws the page for its kind.
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var root = document.getElementById("report");
  if (data.kind === "run") drawRun(root, data);
  else drawSweep(root, data);
  document.getElementById("render-status").textContent = "drawn";
})();
