import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue'
import * as echarts from 'echarts/core'
import { BarChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts'
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([LineChart, BarChart, ScatterChart, HeatmapChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, VisualMapComponent, CanvasRenderer])

/**
 * Text made safe for an ECharts formatter that returns HTML (tooltips render their string as HTML): class names and
 * other user data go through this, so `<img …>` in a label is shown, not run.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)
}

/** What a click on a chart element reports: its series and data. */
export type ChartClick = { seriesIndex?: number; dataIndex: number; data: unknown; name: string }

/** An ECharts chart in `el` that redraws whenever `option` changes and resizes with the window; `onClick` hears element clicks. */
export function useChart(el: Ref<HTMLElement | null>, option: Ref<echarts.EChartsCoreOption>, onClick?: (params: ChartClick) => void): void {
  let chart: echarts.ECharts | null = null
  const resize = (): void => chart?.resize()
  onMounted(() => {
    if (!el.value) return
    chart = echarts.init(el.value)
    chart.setOption(option.value)
    if (onClick) chart.on('click', (p) => onClick(p as unknown as ChartClick))
    window.addEventListener('resize', resize)
  })
  watch(option, (next) => chart?.setOption(next, { notMerge: true }), { deep: true })
  onBeforeUnmount(() => {
    window.removeEventListener('resize', resize)
    chart?.dispose()
  })
}
