// The ECharts build Kefu ships: only the charts and parts the pages draw (the complaint
// analysis: a bar chart and a ring), a third of the full build's bytes. Bundled by
// scripts/build-assets.sh with esbuild; a page that needs another chart type adds it here.
import * as echarts from "echarts/core";
import { BarChart, PieChart } from "echarts/charts";
import { AriaComponent, GridComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, PieChart, AriaComponent, GridComponent, TooltipComponent, CanvasRenderer]);
window.echarts = echarts;
