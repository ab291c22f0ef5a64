import assert from 'node:assert/strict'
import { test } from 'node:test'
import { soakSvg } from '../../scripts/soak/soak-svg.ts'
import { formatTrendTable, leastSquaresLine, METRICS, trends, warmupSeconds, windowMedians, type SoakSample } from '../../scripts/soak/trend.ts'

const MB = 2 ** 20

/** One sample a second for `seconds`, every metric flat but what `grow` changes. */
function run(seconds: number, grow: (t: number) => Partial<SoakSample> = () => ({})): SoakSample[] {
  return Array.from({ length: seconds }, (_, t) => ({ t, rssBytes: 150 * MB, heapBytes: 30 * MB, fds: 50 + (t % 3), walBytes: 4 * MB, loopP99Ms: 2 + (t % 2), viewers: 8, ...grow(t) }))
}

test('the least-squares line through points on a line is that line, and through too few points flat', () => {
  const line = leastSquaresLine([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])
  assert.deepEqual([line.slope, line.at(10)], [2, 21])
  assert.equal(Math.round(leastSquaresLine([{ x: 0, y: 0 }, { x: 1, y: 2 }, { x: 2, y: 1 }, { x: 3, y: 3 }]).slope * 100) / 100, 0.8)
  assert.deepEqual([leastSquaresLine([{ x: 1, y: 5 }]).slope, leastSquaresLine([{ x: 1, y: 5 }]).at(3)], [0, 5])
  assert.equal(leastSquaresLine([{ x: 1, y: 5 }, { x: 1, y: 7 }]).slope, 0)
  assert.equal(leastSquaresLine([]).slope, 0)
})

test('each 10-second window is its median, so a stalled second leaves no mark', () => {
  const samples = run(30, (t) => ({ loopP99Ms: t === 13 ? 900 : 2 + (t % 2) }))
  assert.deepEqual(windowMedians(samples, 'loopP99Ms'), [{ t: 5, value: 2.5 }, { t: 15, value: 2.5 }, { t: 25, value: 2.5 }])
  assert.equal(trends(run(600, (t) => ({ loopP99Ms: t % 97 === 0 ? 900 : 2 })), 60, 600).find((row) => row.metric === 'loopP99Ms')!.verdict, 'flat')
})

test('the warm-up is a fifth of the run, at most a minute', () => {
  assert.equal(warmupSeconds(60), 12)
  assert.equal(warmupSeconds(600), 60)
})

test('flat metrics are flat, a growing one is named, and growth inside the warm-up does not count', () => {
  const leak = trends(run(600, (t) => ({ heapBytes: 30 * MB + t * 10_000 })), 60, 600)
  const heap = leak.find((row) => row.metric === 'heapBytes')!
  assert.equal(heap.verdict, 'growing')
  assert.equal(Math.round(heap.slopePerMinute * 100) / 100, 0.57, '10 kB a second is 0.57 MB a minute')
  for (const row of leak.filter((r) => r.metric !== 'heapBytes')) assert.equal(row.verdict, 'flat', row.label)

  const warming = trends(run(600, (t) => ({ walBytes: Math.min(t, 60) * 60_000, rssBytes: (100 + Math.min(t, 50)) * MB })), 60, 600)
  assert.deepEqual(warming.map((row) => row.verdict), METRICS.map(() => 'flat'))
  assert.deepEqual(trends(run(100), 20, 100).map((row) => row.verdict), METRICS.map(() => 'too short'))
  assert.deepEqual(trends([], 0, 0).map((row) => row.first), METRICS.map(() => null))
})

test('the table names each metric with its slope and verdict', () => {
  const table = formatTrendTable(trends(run(600, (t) => ({ fds: 50 + Math.floor(t / 30) })), 60, 600))
  assert.match(table, /\| open file descriptors +\| 52 → 69 \(69\) +\| 2 +\| 0\.5 +\| growing +\|/)
  assert.match(table, /\| RSS +\| 150 MB → 150 MB \(150 MB\) +\| 0 MB +\| 1 MB +\| flat +\|/)
})

test('the chart has a panel, a line and a fit per metric, and a marker per event in each panel', () => {
  const samples = run(300)
  const svg = soakSvg(samples, trends(samples, 60, 300), [{ t: 150, what: 'Stop' }, { t: 152, what: 'Start' }], 'soak <test>')
  assert.match(svg, /^<svg [^>]*width="720"/)
  assert.equal(svg.match(/<polyline /g)?.length, METRICS.length)
  assert.equal(svg.match(/stroke-dasharray/g)?.length, 2 * METRICS.length)
  assert.match(svg, /soak &lt;test>/)
  assert.match(svg, /minutes since the start/)
})
