// bench/soak.svg: each metric of the soak against time, one panel under another on a shared time axis, with the
// least-squares line fitted after the warm-up and the moments the host was stopped and started again. Pure.
import { escapeText, niceCeiling } from '../bench/svg.ts'
import { METRICS, type SoakSample, type TrendRow } from './trend.ts'

const WIDTH = 720
const PANEL_HEIGHT = 110
const GAP = 26
const MARGIN = { left: 64, right: 24, top: 64, bottom: 36 }
const COLOUR = '#f7931a'
const FIT = '#2563eb'

export interface SoakEvent {
  t: number
  what: string
}

export function soakSvg(samples: readonly SoakSample[], rows: readonly TrendRow[], events: readonly SoakEvent[], title: string): string {
  const height = MARGIN.top + METRICS.length * (PANEL_HEIGHT + GAP) - GAP + MARGIN.bottom
  const plotW = WIDTH - MARGIN.left - MARGIN.right
  const maxT = Math.max(1, ...samples.map((sample) => sample.t))
  const inMinutes = maxT > 180
  const x = (t: number) => MARGIN.left + (t / maxT) * plotW
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * maxT)
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="${MARGIN.left}" y="18" font-size="13" font-weight="bold">${escapeText(title)}</text>`,
    `<text x="${MARGIN.left}" y="32" fill="#555">orange: sampled every second; blue: least-squares fit from the warm-up to the end of the run; grey: ${escapeText(events.map((e) => e.what).join(', ') || 'no events')}</text>`,
  ]
  METRICS.forEach((metric, i) => {
    const top = MARGIN.top + i * (PANEL_HEIGHT + GAP)
    const values = samples.map((sample) => sample[metric.key] * metric.scale)
    const maxY = niceCeiling(Math.max(0, ...values))
    const y = (value: number) => top + PANEL_HEIGHT - (value / maxY) * PANEL_HEIGHT
    const row = rows.find((r) => r.metric === metric.key)
    parts.push(
      `<text x="${MARGIN.left}" y="${top - 6}" font-weight="bold">${escapeText(`${metric.label}${metric.unit ? `, ${metric.unit}` : ''}`)}${row ? `<tspan font-weight="normal" fill="#555"> slope ${row.slopePerMinute}/min: ${row.verdict}</tspan>` : ''}</text>`,
      ...[0, 0.5, 1].map((f) => `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(f * maxY)}" y2="${y(f * maxY)}" stroke="#e5e7eb"/><text x="${MARGIN.left - 6}" y="${y(f * maxY) + 4}" text-anchor="end">${Math.round(f * maxY * 100) / 100}</text>`),
      ...events.map((event) => `<line x1="${x(event.t)}" x2="${x(event.t)}" y1="${top}" y2="${top + PANEL_HEIGHT}" stroke="#9ca3af" stroke-dasharray="4 3"/>`),
      `<polyline fill="none" stroke="${COLOUR}" stroke-width="1.5" points="${samples.map((sample, j) => `${x(sample.t).toFixed(1)},${y(values[j]).toFixed(1)}`).join(' ')}"/>`,
    )
    if (row?.fit) {
      const { from, to } = row.fit
      parts.push(`<line x1="${x(from.t)}" x2="${x(to.t)}" y1="${y(from.value)}" y2="${y(to.value)}" stroke="${FIT}" stroke-width="1.5"/>`)
    }
  })
  const bottom = MARGIN.top + METRICS.length * (PANEL_HEIGHT + GAP) - GAP
  parts.push(
    ...xTicks.map((t) => `<text x="${x(t)}" y="${bottom + 16}" text-anchor="middle">${inMinutes ? Math.round((t / 60) * 10) / 10 : Math.round(t)}</text>`),
    `<text x="${MARGIN.left + plotW / 2}" y="${height - 6}" text-anchor="middle">${inMinutes ? 'minutes' : 'seconds'} since the start</text>`,
    '</svg>',
  )
  return parts.join('\n') + '\n'
}
