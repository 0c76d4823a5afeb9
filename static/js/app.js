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

  // Charts: <div class="chart" data-chart="bar|line|bars" data-source="id-of-json-script">.
  // "bar" (horizontal): rows [{label, count}], its axis up to data-max when given. "line" and "bars" (grouped vertical bars):
  // {labels: [...], series: [{name, data: [...], color?}], unit: "%"?}; a null value is a gap.
  var PALETTE = ["#0b5ed7", "#198754", "#fd7e14", "#dc3545", "#6f42c1", "#20c997"];

  function barOption(rows, number, max) {
    return {
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      tooltip: {},
      xAxis: { type: "value", minInterval: 1, splitNumber: 3, max: max, axisLabel: { formatter: number.format, hideOverlap: true } },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.label; }) },
      series: [{ type: "bar", data: rows.map(function (r) { return r.count; }), itemStyle: { color: "#0b5ed7" } }],
    };
  }

  function seriesOption(kind, data, number) {
    var unit = data.unit || "";
    var format = function (value) { return value == null ? "—" : number.format(value) + unit; };
    var isLine = kind === "line";
    return {
      color: PALETTE,
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", valueFormatter: format },
      xAxis: { type: "category", data: data.labels },
      yAxis: {
        type: "value", minInterval: 1, max: unit === "%" ? 100 : null,
        axisLabel: { formatter: function (value) { return number.format(value) + unit; } },
      },
      series: data.series.map(function (s) {
        var style = s.color ? { color: s.color } : undefined;
        return isLine
          ? { type: "line", name: s.name, data: s.data, connectNulls: false, symbolSize: 7, itemStyle: style, lineStyle: style }
          : { type: "bar", name: s.name, data: s.data, barMaxWidth: 28, itemStyle: style };
      }),
    };
  }

  // "intervals": rows [{label, rank, q05, median, q95}]: each unit's 5–95 % rank interval as a
  // bar from q05 to q95 (an invisible stacked base up to q05) and its nominal rank as a dot.
  function intervalOption(rows, number) {
    return {
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (items) {
        var r = rows[items[0].dataIndex];
        return r.label + ": " + number.format(r.rank) + " (" + number.format(r.q05) + "–" + number.format(r.q95) + ")";
      } },
      xAxis: { type: "value", min: 1, minInterval: 1, inverse: false },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.label; }) },
      series: [
        { type: "bar", stack: "ri", silent: true, itemStyle: { color: "transparent" }, data: rows.map(function (r) { return r.q05; }) },
        { type: "bar", stack: "ri", itemStyle: { color: "#9ec5fe" }, data: rows.map(function (r) { return r.q95 - r.q05; }) },
        { type: "scatter", symbolSize: 8, itemStyle: { color: "#0b5ed7" }, data: rows.map(function (r) { return r.rank; }) },
      ],
    };
  }

  function drawCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll(".chart[data-source]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      if (!source || el.dataset.drawn) return;
      var data = JSON.parse(source.textContent);
      var number = new Intl.NumberFormat(document.documentElement.lang || "vi");
      var kind = el.dataset.chart || "bar";
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(kind === "intervals" ? intervalOption(data, number) : kind === "bar" ? barOption(data, number, el.dataset.max ? +el.dataset.max : null) : seriesOption(kind, data, number));
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.target); });

  // A searchable unit picker: <select data-searchable="placeholder"> gets a search box above it
  // that hides the options whose name does not contain the words typed (accents ignored).
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  function searchable(root) {
    root.querySelectorAll("select[data-searchable]").forEach(function (select) {
      if (select.dataset.searchReady) return;
      select.dataset.searchReady = "1";
      var box = document.createElement("input");
      box.type = "search";
      box.className = "form-control form-control-sm mb-1";
      box.placeholder = select.dataset.searchable || "";
      box.setAttribute("aria-label", select.dataset.searchable || "");
      box.setAttribute("aria-controls", select.id);
      select.parentNode.insertBefore(box, select);
      box.addEventListener("input", function () {
        var words = fold(box.value).split(/\s+/).filter(Boolean);
        Array.prototype.forEach.call(select.options, function (option) {
          var name = fold(option.text);
          option.hidden = option.value !== "" && !words.every(function (w) { return name.indexOf(w) >= 0; });
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { searchable(document); });
  document.addEventListener("htmx:afterSwap", function (event) { searchable(event.target); });
})();
