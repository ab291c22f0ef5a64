// Whether a long run's resources stay flat: a least-squares slope per metric after the warm-up, against a limit per
// minute. Pure: samples in, rows and a table out.
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

/** Least-squares slope of y over x (0 for fewer than two distinct x). */
export function leastSquaresSlope(points: ReadonlyArray<{ x: number; y: number }>): number {
  const n = points.length
  if (n < 2) return 0
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n
  let sxy = 0
  let sxx = 0
  for (const p of points) {
    sxy += (p.x - meanX) * (p.y - meanY)
    sxx += (p.x - meanX) ** 2
  }
  return sxx === 0 ? 0 : sxy / sxx
}

export interface TrendRow {
  metric: MetricKey
  label: string
  unit: string
  /** After the warm-up, in `unit`. */
  first: number | null
  last: number | null
  max: number | null
  slopePerMinute: number
  flatPerMinute: number
  verdict: 'flat' | 'growing' | 'too short'
}

const round = (value: number) => Math.round(value * 1000) / 1000

export function trends(samples: readonly SoakSample[], warmup: number): TrendRow[] {
  const judged = samples.filter((sample) => sample.t >= warmup)
  const span = judged.length > 1 ? judged[judged.length - 1].t - judged[0].t : 0
  return METRICS.map((metric) => {
    const values = judged.map((sample) => sample[metric.key] * metric.scale)
    const slopePerMinute = leastSquaresSlope(judged.map((sample, i) => ({ x: sample.t / 60, y: values[i] })))
    return {
      metric: metric.key,
      label: metric.label,
      unit: metric.unit,
      first: values.length > 0 ? round(values[0]) : null,
      last: values.length > 0 ? round(values[values.length - 1]) : null,
      max: values.length > 0 ? round(Math.max(...values)) : null,
      slopePerMinute: round(slopePerMinute),
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
