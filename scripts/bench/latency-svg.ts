// bench/latency.svg: segment p99 against viewers for the static, proxy and paywall paths (median over a level's
// runs), as a plain SVG line chart the README can show. Pure: results in, markup out.
import { median, type BenchPath, type LatencyRow } from './report.ts'
import { escapeText, niceCeiling } from './svg.ts'

const WIDTH = 640
const HEIGHT = 360
const MARGIN = { left: 56, right: 120, top: 24, bottom: 44 }
const COLOURS: Record<BenchPath, string> = { static: '#6b7280', proxy: '#2563eb', paywall: '#f7931a' }

export function latencySvg(rows: readonly LatencyRow[], title: string): string {
  const levels = [...new Set(rows.map((row) => row.viewers))].sort((a, b) => a - b)
  const series = (['static', 'proxy', 'paywall'] as const).map((path) => ({
    path,
    points: levels.flatMap((viewers) => {
      const p99 = median(rows.filter((row) => row.path === path && row.viewers === viewers).map((row) => row.p99_ms))
      return p99 === null ? [] : [{ viewers, p99 }]
    }),
  }))
  const maxX = Math.max(...levels, 1)
  const maxY = niceCeiling(Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.p99))))
  const plotW = WIDTH - MARGIN.left - MARGIN.right
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom
  const x = (viewers: number) => MARGIN.left + (viewers / maxX) * plotW
  const y = (ms: number) => MARGIN.top + plotH - (ms / maxY) * plotH
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * maxY)
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${MARGIN.left}" y="16" font-size="13" font-weight="bold">${escapeText(title)}</text>`,
    ...yTicks.map((ms) => `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(ms)}" y2="${y(ms)}" stroke="#e5e7eb"/><text x="${MARGIN.left - 6}" y="${y(ms) + 4}" text-anchor="end">${Math.round(ms * 10) / 10}</text>`),
    ...levels.map((viewers) => `<text x="${x(viewers)}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${viewers}</text>`),
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle">viewers</text>`,
    `<text x="14" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 14 ${MARGIN.top + plotH / 2})">segment p99, ms</text>`,
    ...series.map(({ path, points }, i) => {
      const line = points.map((p) => `${x(p.viewers)},${y(p.p99)}`).join(' ')
      const dots = points.map((p) => `<circle cx="${x(p.viewers)}" cy="${y(p.p99)}" r="3" fill="${COLOURS[path]}"/>`).join('')
      const legendY = MARGIN.top + 16 + i * 18
      return `<polyline fill="none" stroke="${COLOURS[path]}" stroke-width="2" points="${line}"/>${dots}<line x1="${WIDTH - MARGIN.right + 12}" x2="${WIDTH - MARGIN.right + 32}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${COLOURS[path]}" stroke-width="2"/><text x="${WIDTH - MARGIN.right + 38}" y="${legendY}">${path}</text>`
    }),
    '</svg>',
  ]
  return parts.join('\n') + '\n'
}
