import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue'
import * as echarts from 'echarts/core'
import { BarChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([LineChart, BarChart, ScatterChart, HeatmapChart, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, CanvasRenderer])

/** An ECharts chart in `el` that redraws whenever `option` changes and resizes with the window. */
export function useChart(el: Ref<HTMLElement | null>, option: Ref<echarts.EChartsCoreOption>): void {
  let chart: echarts.ECharts | null = null
  const resize = (): void => chart?.resize()
  onMounted(() => {
    if (!el.value) return
    chart = echarts.init(el.value)
    chart.setOption(option.value)
    window.addEventListener('resize', resize)
  })
  watch(option, (next) => chart?.setOption(next, { notMerge: true }), { deep: true })
  onBeforeUnmount(() => {
    window.removeEventListener('resize', resize)
    chart?.dispose()
  })
}
