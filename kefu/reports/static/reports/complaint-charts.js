// The complaint analysis page's two charts, drawn from the figures the page carries as JSON
// (#chart-data). This file is deferred; ECharts itself (vendor/echarts: only bar and pie, its
// address in data-echarts) is fetched after the page's load event, so the figures and tables are
// read and used while the charts' code is still on its way over a slow link. ECharts' aria option
// describes each chart in words for screen readers; the tables below hold the same figures.
(function () {
  "use strict";
  var charts = document.getElementById("complaint-charts");
  if (!charts) return;

  function draw() {
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
    charts.setAttribute("data-drawn", "");
  }

  function fetchECharts() {
    var script = document.createElement("script");
    script.src = charts.getAttribute("data-echarts");
    script.addEventListener("load", draw);
    document.head.appendChild(script);
  }
  if (document.readyState === "complete") fetchECharts();
  else window.addEventListener("load", fetchECharts);
})();
