// Whether a long run's resources stay flat: a least-squares slope per metric between the warm-up and the end of the
// run (the viewers still finishing after it are left out), against a limit per minute. The line is fitted to the
// medians of 10-second windows, so that one stalled second (the machine's other work) does not make a trend. Pure:
// samples in, rows and a table out.
import { alignedTable } from '../bench/aligned-table.ts'

/** One sample a second of the host process. */
export interface SoakSample {
  /** Seconds since the soak started. */
  t: number
  rssBytes: number
  /** V8's heap used right after a full GC: what the host holds on to. */
  heapBytes: number
  /** Open file descriptors (/proc/<pid>/fd). */
  fds: number
  /** data/host.sqlite-wal, 0 while there is none. */
  walBytes: number
  /** The event loop's delay p99 over the second before the sample. */
  loopP99Ms: number
  /** Viewers watching when the sample was taken. */
  viewers: number
}

export type MetricKey = 'rssBytes' | 'heapBytes' | 'fds' | 'walBytes' | 'loopP99Ms'

export interface Metric {
  key: MetricKey
  label: string
  unit: string
  /** Multiplies a raw value into `unit`. */
  scale: number
  /** The largest growth per minute that still counts as flat, in `unit`. */
  flatPerMinute: number
}

const MB = 1 / 2 ** 20

/**
 * The limits: a leak of one small object per viewer (tens of viewers a minute) stays under them only if it is tiny;
 * RSS moves in whole pages and allocator arenas, so it gets more room than the heap measured after a full GC.
 */
export const METRICS: readonly Metric[] = [
  { key: 'rssBytes', label: 'RSS', unit: 'MB', scale: MB, flatPerMinute: 1 },
  { key: 'heapBytes', label: 'heap after GC', unit: 'MB', scale: MB, flatPerMinute: 0.25 },
  { key: 'fds', label: 'open file descriptors', unit: '', scale: 1, flatPerMinute: 0.5 },
  { key: 'walBytes', label: 'SQLite WAL', unit: 'MB', scale: MB, flatPerMinute: 0.5 },
  { key: 'loopP99Ms', label: 'event-loop delay p99', unit: 'ms', scale: 1, flatPerMinute: 0.5 },
]

/** Below this much time after the warm-up, a slope says little: the verdict is 'too short'. */
export const MIN_JUDGED_SECONDS = 120

/** The warm-up left out of the slopes: the first fifth of the run, at most a minute. */
export function warmupSeconds(runSeconds: number): number {
  return Math.min(60, runSeconds / 5)
}

/** Seconds of samples each median stands for. */
export const WINDOW_SECONDS = 10

/** The median of each metric over consecutive windows of `seconds`, at the window's middle. */
export function windowMedians(samples: readonly SoakSample[], key: MetricKey, seconds = WINDOW_SECONDS): Array<{ t: number; value: number }> {
  const windows = new Map<number, number[]>()
  for (const sample of samples) {
    const index = Math.floor(sample.t / seconds)
    const values = windows.get(index) ?? []
    values.push(sample[key])
    windows.set(index, values)
  }
  return [...windows].map(([index, values]) => {
    const sorted = [...values].sort((a, b) => a - b)
    const middle = sorted.length / 2
    const value = sorted.length % 2 === 1 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2
    return { t: (index + 0.5) * seconds, value }
  })
}

/** The least-squares line through points: its slope (0 for fewer than two distinct x) and its value at any x. */
export function leastSquaresLine(points: ReadonlyArray<{ x: number; y: number }>): { slope: number; at(x: number): number } {
  const n = points.length
  const meanX = n === 0 ? 0 : points.reduce((sum, p) => sum + p.x, 0) / n
  const meanY = n === 0 ? 0 : points.reduce((sum, p) => sum + p.y, 0) / n
  let sxy = 0
  let sxx = 0
  for (const p of points) {
    sxy += (p.x - meanX) * (p.y - meanY)
    sxx += (p.x - meanX) ** 2
  }
  const slope = sxx === 0 ? 0 : sxy / sxx
  return { slope, at: (x) => meanY + slope * (x - meanX) }
}

export interface TrendRow {
  metric: MetricKey
  label: string
  unit: string
  /** Between the warm-up and the end of the run, in `unit`. */
  first: number | null
  last: number | null
  max: number | null
  slopePerMinute: number
  /** The fitted line's ends (t in seconds, value in `unit`), for the chart; null without samples to fit. */
  fit: { from: { t: number; value: number }; to: { t: number; value: number } } | null
  flatPerMinute: number
  verdict: 'flat' | 'growing' | 'too short'
}

const round = (value: number) => Math.round(value * 1000) / 1000

/** The samples between the warm-up and the end of the run. */
export function judgedSamples(samples: readonly SoakSample[], warmup: number, end: number): SoakSample[] {
  return samples.filter((sample) => sample.t >= warmup && sample.t <= end)
}

export function trends(samples: readonly SoakSample[], warmup: number, end: number): TrendRow[] {
  const judged = judgedSamples(samples, warmup, end)
  const span = judged.length > 1 ? judged[judged.length - 1].t - judged[0].t : 0
  return METRICS.map((metric) => {
    const values = judged.map((sample) => sample[metric.key] * metric.scale)
    const line = leastSquaresLine(windowMedians(judged, metric.key).map(({ t, value }) => ({ x: t / 60, y: value * metric.scale })))
    const slopePerMinute = line.slope
    const ends = judged.length > 1 ? [judged[0].t, judged[judged.length - 1].t] : null
    return {
      metric: metric.key,
      label: metric.label,
      unit: metric.unit,
      first: values.length > 0 ? round(values[0]) : null,
      last: values.length > 0 ? round(values[values.length - 1]) : null,
      max: values.length > 0 ? round(Math.max(...values)) : null,
      slopePerMinute: round(slopePerMinute),
      fit: ends && { from: { t: ends[0], value: round(line.at(ends[0] / 60)) }, to: { t: ends[1], value: round(line.at(ends[1] / 60)) } },
      flatPerMinute: metric.flatPerMinute,
      verdict: span < MIN_JUDGED_SECONDS ? 'too short' : slopePerMinute < metric.flatPerMinute ? 'flat' : 'growing',
    }
  })
}

export function formatTrendTable(rows: readonly TrendRow[]): string {
  const header = ['metric', 'after warm-up: first → last (max)', 'slope / min', 'flat below', 'verdict']
  const withUnit = (value: number | null, unit: string) => (value === null ? '–' : `${Number(value.toFixed(2))}${unit ? ` ${unit}` : ''}`)
  const cells = rows.map((row) => [
    row.label,
    `${withUnit(row.first, row.unit)} → ${withUnit(row.last, row.unit)} (${withUnit(row.max, row.unit)})`,
    withUnit(row.slopePerMinute, row.unit),
    withUnit(row.flatPerMinute, row.unit),
    row.verdict,
  ])
  return alignedTable(header, cells)
}
