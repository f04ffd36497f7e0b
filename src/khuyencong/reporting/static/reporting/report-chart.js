// The report's execution-rate chart: a horizontal bar per unit (or per source for one province),
// drawn with the vendored ECharts from the data the page passes with json_script (the CSP forbids
// inline scripts). Rates are already percentages (84.12 = 84,12%).
(function () {
  "use strict";
  var holder = document.getElementById("report-chart");
  var source = document.getElementById("report-chart-data");
  if (!holder || !source || !window.echarts) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var lang = document.documentElement.lang === "en" ? "en-US" : "vi-VN";
  var format = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var percent = function (value) {
    return value === null || value === undefined ? "—" : format.format(value) + "%";
  };
  if (!data.values.some(function (v) { return v !== null; })) {
    holder.classList.add("text-muted", "small");
    holder.textContent = data.empty;
    holder.setAttribute("data-empty", "true");
    return;
  }
  // Top to bottom in the order of the table: ECharts draws category axes from the bottom up.
  var labels = data.labels.slice().reverse();
  var values = data.values.slice().reverse();
  holder.style.height = Math.max(220, labels.length * 34 + 60) + "px";
  var chart = window.echarts.init(holder, null, { renderer: "canvas" });
  var max = Math.max(100, Math.ceil(Math.max.apply(null, values.map(function (v) { return v || 0; })) / 10) * 10);
  chart.setOption({
    animation: false,
    grid: { left: 8, right: 56, top: 8, bottom: 24, containLabel: true },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      valueFormatter: percent
    },
    xAxis: {
      type: "value",
      max: max,
      axisLabel: { formatter: function (v) { return v + "%"; } },
      splitLine: { lineStyle: { color: "#e9ecef" } }
    },
    yAxis: {
      type: "category",
      data: labels,
      axisTick: { show: false },
      axisLabel: { width: 150, overflow: "truncate" }
    },
    series: [{
      type: "bar",
      data: values.map(function (v) {
        return { value: v, itemStyle: { color: v !== null && v > 100 ? "#dc3545" : "#0b5394" } };
      }),
      barMaxWidth: 22,
      label: { show: true, position: "right", formatter: function (p) { return percent(p.value); } },
      markLine: {
        silent: true,
        symbol: "none",
        label: { show: false },
        lineStyle: { color: "#6c757d", type: "dashed" },
        data: [{ xAxis: 100 }]
      }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
  window.addEventListener("beforeprint", function () { chart.resize(); });
})();
