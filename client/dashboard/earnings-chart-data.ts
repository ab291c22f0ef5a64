// The chart's data, apart from uPlot (which needs a DOM), so it can be checked on its own.

/** The running total over the hour, drawn as a line above the per-minute bars. */
export function runningTotal(values: readonly number[]): number[] {
  let sum = 0
  return values.map((value) => (sum += value))
}

/** uPlot's columns: time in seconds, sats per minute, running total. */
export function chartColumns(series: { minutes: readonly number[]; sats: readonly number[] }): [number[], number[], number[]] {
  return [series.minutes.map((ms) => ms / 1000), [...series.sats], runningTotal(series.sats)]
}
