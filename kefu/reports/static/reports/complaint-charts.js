// The complaint analysis page's two charts, drawn from the figures the page carries as JSON
// (#chart-data). Loaded with `defer` after ECharts (vendor/echarts, only bar and pie), so the
// page's text and tables show before the charts' code arrives. ECharts' aria option describes
// each chart in words for screen readers; the tables below hold the same figures.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var primary = getComputedStyle(document.documentElement).getPropertyValue("--bs-primary").trim() || "#0a58ca";
  var monthly = echarts.init(document.getElementById("chart-monthly"));
  monthly.setOption({
    aria: { enabled: true },
    tooltip: {},
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: data.monthly, itemStyle: { color: primary } }],
    grid: { left: 40, right: 10, top: 20, bottom: 30 },
  });
  var categories = echarts.init(document.getElementById("chart-categories"));
  categories.setOption({
    aria: { enabled: true },
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["35%", "70%"], data: data.categories }],
  });
  window.addEventListener("resize", function () { monthly.resize(); categories.resize(); });
})();
