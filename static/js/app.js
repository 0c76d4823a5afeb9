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
  // "bar" (horizontal): rows [{label, count}], its axis up to data-max when given. "line" and "bars" (grouped bars):
  // {labels: [...], series: [{name, data: [...], color?}], unit: "%"?, partial?, horizontal?, targets?: [{name, value, color?}]};
  // a "%" axis runs to 100 unless `partial` (shares that stay small, e.g. headcount cuts of 10–20%);
  // a null value is a gap. Horizontal bars give each label a row (the chart grows with them, so every label shows
  // on a phone); targets are dashed lines across the chart (a target, a threshold), not series. The legend sits
  // below the plot, apart from the bars.
  var PALETTE = ["#0b5ed7", "#198754", "#fd7e14", "#dc3545", "#6f42c1", "#20c997", "#d63384", "#795548", "#0dcaf0", "#ffc107", "#495057", "#8bc34a"];

  function narrow(el) { return el.clientWidth < 576; }

  // Horizontal bars: a row per label, as tall as its bars and its label's lines (a label breaks
  // at 110 px on a phone, 220 px otherwise: about 6.5 px a character), then the axis and the legend.
  function fitRows(el, labels, perRow, legend) {
    var perLine = (narrow(el) ? 110 : 220) / 6.5;
    var lines = Math.max.apply(null, labels.map(function (label) { return Math.ceil(String(label).length / perLine); }).concat([1]));
    var needed = labels.length * Math.max(perRow, lines * 13 + 10) + 48 + legend;
    if (needed > el.clientHeight) el.style.height = needed + "px";
  }

  // The height of a legend below the plot: its entries wrap onto as many lines as they need.
  function legendHeight(el, names) {
    var width = names.reduce(function (sum, name) { return sum + name.length * 7 + 40; }, 0);
    return Math.ceil(width / Math.max(el.clientWidth - 16, 120)) * 26 + 8;
  }

  function categoryLabels(el, count, horizontal) {
    if (horizontal) return { interval: 0, width: narrow(el) ? 110 : 220, overflow: "break", lineHeight: 13 };
    return { interval: 0, rotate: el.clientWidth / Math.max(count, 1) < 64 ? 45 : 0 };
  }

  function barOption(el, rows, number, max) {
    fitRows(el, rows.map(function (r) { return r.label; }), 22, 0);
    return {
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      tooltip: {},
      xAxis: { type: "value", minInterval: 1, splitNumber: 3, max: max, axisLabel: { formatter: number.format, hideOverlap: true } },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.label; }), axisLabel: categoryLabels(el, rows.length, true) },
      series: [{ type: "bar", data: rows.map(function (r) { return r.count; }), itemStyle: { color: "#0b5ed7" } }],
    };
  }

  function targetLines(targets, horizontal) {
    return {
      silent: true,
      symbol: "none",
      data: targets.map(function (t, i) {
        // Above the bars, one name a line, so that two close targets do not write over each other.
        var label = horizontal ? { formatter: "{b}", position: "start", distance: 4 + 14 * i } : { formatter: "{b}", position: "insideEndTop" };
        var line = { name: t.name, label: label, lineStyle: { color: t.color || "#495057", type: "dashed", width: 2 } };
        line[horizontal ? "xAxis" : "yAxis"] = t.value;
        return line;
      }),
    };
  }

  function seriesOption(el, kind, data, number) {
    var unit = data.unit || "";
    var format = function (value) { return value == null ? "—" : number.format(value) + unit; };
    var isLine = kind === "line";
    var horizontal = !isLine && !!data.horizontal;
    var targets = data.targets || [];
    var legend = data.series.length > 1 ? legendHeight(el, data.series.map(function (s) { return s.name; })) : 0;
    if (horizontal) fitRows(el, data.labels, Math.max(22, data.series.length * 9 + 8), legend);
    var categories = { type: "category", data: data.labels, inverse: horizontal, axisLabel: categoryLabels(el, data.labels.length, horizontal) };
    // The value axis reaches the highest target too: a threshold above every point is still drawn.
    var highest = Math.max.apply(null, targets.map(function (t) { return t.value; }).concat([0]));
    var values = {
      type: "value", minInterval: 1,
      max: unit === "%" && !data.partial ? 100 : highest ? function (extent) { return Math.max(extent.max, Math.ceil(highest * 1.1)); } : null,
      axisLabel: { formatter: function (value) { return number.format(value) + unit; }, hideOverlap: true },
    };
    var series = data.series.map(function (s) {
      var style = s.color ? { color: s.color } : undefined;
      return isLine
        ? { type: "line", name: s.name, data: s.data, connectNulls: false, symbolSize: 7, itemStyle: style, lineStyle: style }
        : { type: "bar", name: s.name, data: s.data, barMaxWidth: 28, itemStyle: style };
    });
    if (targets.length) series[0].markLine = targetLines(targets, horizontal);
    return {
      color: PALETTE,
      grid: { left: 8, right: 24, top: horizontal && targets.length ? 14 + 14 * targets.length : 12, bottom: legend + 8, containLabel: true },
      legend: { show: legend > 0, bottom: 0 },
      tooltip: { trigger: "axis", valueFormatter: format },
      xAxis: horizontal ? values : categories,
      yAxis: horizontal ? categories : values,
      series: series,
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
      var option = kind === "intervals" ? intervalOption(data, number) : kind === "bar" ? barOption(el, data, number, el.dataset.max ? +el.dataset.max : null) : seriesOption(el, kind, data, number);
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option);
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
