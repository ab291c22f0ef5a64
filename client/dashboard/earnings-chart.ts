// Earnings over the last hour: sats earned per minute (bars) and their running total over the hour (line).
import uPlot from 'uplot'
import { chartColumns } from './earnings-chart-data.ts'
import { formatSats } from './format.ts'

export interface EarningsSeries {
  /** Start of each minute, epoch ms, oldest first. */
  minutes: number[]
  sats: number[]
}

export class EarningsChart {
  private readonly plot: uPlot
  private readonly resize: ResizeObserver

  constructor(private readonly container: HTMLElement) {
    const style = getComputedStyle(document.documentElement)
    const accent = style.getPropertyValue('--accent').trim() || '#f7931a'
    const line = style.getPropertyValue('--info').trim() || '#2563eb'
    const grid = { stroke: 'rgba(128,128,128,0.15)', width: 1 }
    const options: uPlot.Options = {
      width: Math.max(container.clientWidth, 300),
      height: 240,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, sats: { auto: true, range: (_u, _min, max) => [0, Math.max(max, 10)] }, total: { auto: true, range: (_u, _min, max) => [0, Math.max(max, 10)] } },
      axes: [
        { grid, stroke: 'currentColor' },
        { scale: 'sats', grid, stroke: 'currentColor', label: 'sat / min', values: (_u, ticks) => ticks.map(formatSats) },
        { scale: 'total', side: 1, grid: { show: false }, stroke: 'currentColor', label: 'sat this hour', values: (_u, ticks) => ticks.map(formatSats) },
      ],
      series: [
        {},
        { label: 'Earned per minute', scale: 'sats', stroke: accent, fill: `${accent}99`, paths: uPlot.paths.bars!({ size: [0.7, 40] }), points: { show: false }, value: (_u, v) => (v == null ? '–' : `${formatSats(v)} sat`) },
        { label: 'Running total', scale: 'total', stroke: line, width: 2, points: { show: false }, value: (_u, v) => (v == null ? '–' : `${formatSats(v)} sat`) },
      ],
    }
    this.plot = new uPlot(options, [[], [], []], container)
    this.resize = new ResizeObserver(() => this.plot.setSize({ width: Math.max(container.clientWidth, 300), height: 240 }))
    this.resize.observe(container)
  }

  update(series: EarningsSeries): void {
    this.plot.setData(chartColumns(series))
  }

  destroy(): void {
    this.resize.disconnect()
    this.plot.destroy()
    this.container.replaceChildren()
  }
}
