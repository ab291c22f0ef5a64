// Latency statistics for the fleet and the bench. Pure: the same numbers come out for the same samples.

export interface LatencyStats {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
}

/**
 * The p-th percentile (0..100) of ascending `sorted` samples by the nearest-rank method: the smallest sample with
 * at least p% of the samples at or below it. Nearest rank never invents a value that was not measured.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new Error(`a percentile must be between 0 and 100, got ${p}`)
  if (sorted.length === 0) return Number.NaN
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1]
}

/** p50/p95/p99/max/mean of unsorted samples; all NaN (count 0) when there are none. */
export function latencyStats(samples: readonly number[]): LatencyStats {
  const sorted = Float64Array.from(samples).sort()
  const values = Array.from(sorted)
  const total = values.reduce((sum, value) => sum + value, 0)
  return {
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.length > 0 ? values[values.length - 1] : Number.NaN,
    mean: values.length > 0 ? total / values.length : Number.NaN,
  }
}

/** Milliseconds rounded to 0.01 for reports; NaN (no samples) becomes null so JSON stays valid. */
export function roundMs(value: number): number | null {
  return Number.isFinite(value) ? Math.round(value * 100) / 100 : null
}
