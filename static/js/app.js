// Behaviour for every page. No inline scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";

  // Tree: toggle a node's children; the first click also loads them through HTMX.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".tree-toggle");
    if (!toggle) return;
    var list = document.getElementById(toggle.getAttribute("aria-controls"));
    var open = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", open ? "false" : "true");
    if (list) list.hidden = open;
  });

  // Charts: <div class="chart" data-chart="bar" data-source="id-of-json-script">.
  function drawCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll(".chart[data-source]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      if (!source || el.dataset.drawn) return;
      var rows = JSON.parse(source.textContent);
      var number = new Intl.NumberFormat(document.documentElement.lang || "vi");
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
        tooltip: {},
        xAxis: { type: "value", minInterval: 1, splitNumber: 3, axisLabel: { formatter: number.format, hideOverlap: true } },
        yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.label; }) },
        series: [{ type: "bar", data: rows.map(function (r) { return r.count; }), itemStyle: { color: "#0b5ed7" } }],
      });
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.target); });
})();
